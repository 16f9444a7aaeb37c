using System.Diagnostics.CodeAnalysis;
using MessagePack;
using SessionKit.Samples.TarantoolServer.Protocol;

namespace SessionKit.Samples.TarantoolServer.Hosting;

/// <summary>
/// The manager's user directory for this server: the embedded <see cref="InMemoryUserDirectory"/>, whose
/// <see cref="IChapSha1Verifier"/> checks iproto's AUTH scramble. <see cref="SessionManager.AuthenticateAsync"/> takes a
/// credential string, so the AUTH request's salt and scramble travel as one (<see cref="TryMakeCredential"/>) and are
/// checked here; the password itself never reaches the server.
/// </summary>
internal sealed class ChapSha1Directory(InMemoryUserDirectory users) : IObservableUserDirectory
{
    // A NUL starts the encoded form; the empty credential is guest's AUTH with an empty tuple.
    private const string Prefix = "\0chap-sha1\0";

    /// <inheritdoc/>
    public event EventHandler<UserChangedEventArgs>? UserChanging
    {
        add => users.UserChanging += value;
        remove => users.UserChanging -= value;
    }

    /// <inheritdoc/>
    public event EventHandler<UserChangedEventArgs>? UserChanged
    {
        add => users.UserChanged += value;
        remove => users.UserChanged -= value;
    }

    /// <summary>Turns the AUTH tuple (<c>[]</c> or <c>["chap-sha1", scramble]</c>) into the credential for <see cref="VerifyAsync"/>.</summary>
    /// <returns>False when the tuple is not one of those shapes (Tarantool's "Invalid MsgPack - authentication request body").</returns>
    public static bool TryMakeCredential(byte[]? tuple, byte[] salt, out string credential)
    {
        credential = string.Empty;
        if (tuple is null)
        {
            return true;
        }

        try
        {
            var reader = new MessagePackReader(tuple);
            var count = reader.ReadArrayHeader();
            if (count == 0)
            {
                return true;
            }

            if (count != 2 || MsgPack.ReadText(ref reader) != "chap-sha1")
            {
                return false;
            }

            var scramble = reader.NextMessagePackType switch
            {
                MessagePackType.String => System.Buffers.BuffersExtensions.ToArray(reader.ReadStringSequence()!.Value),
                MessagePackType.Binary => System.Buffers.BuffersExtensions.ToArray(reader.ReadBytes()!.Value),
                _ => null,
            };
            if (scramble is null)
            {
                return false;
            }

            credential = Prefix + Convert.ToBase64String(salt.AsSpan(0, 20)) + ":" + Convert.ToBase64String(scramble);
            return true;
        }
        catch (Exception ex) when (FrameReader.IsDecodingError(ex))
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public bool TryFindUser(string name, [NotNullWhen(true)] out SessionUser? user) => users.TryFindUser(name, out user);

    /// <inheritdoc/>
    public bool MayConnect(SessionUser user) => users.MayConnect(user);

    /// <inheritdoc/>
    public ValueTask<SessionUser?> VerifyAsync(string name, string password, CancellationToken cancellationToken = default)
    {
        if (password.Length == 0)
        {
            // An empty AUTH tuple: Tarantool accepts it for guest without a check, and for nobody else.
            return new ValueTask<SessionUser?>(name == SessionUser.Guest.Name && users.TryFindUser(name, out var guest) ? guest : null);
        }

        if (!password.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return users.VerifyAsync(name, password, cancellationToken);
        }

        var parts = password[Prefix.Length..].Split(':');
        SessionUser? user = null;
        var ok = parts.Length == 2 && users.VerifyChapSha1(name, Convert.FromBase64String(parts[0]), Convert.FromBase64String(parts[1]), out user);
        return new ValueTask<SessionUser?>(ok ? user : null);
    }
}
