using System.Text;

namespace SessionKit.Internal;

/// <summary>
/// Where <see cref="SessionManager.AuthenticateAsync"/> checks credentials: it bounds the password, turns invalid
/// text into a failed check, runs at most <see cref="SessionManagerOptions.MaxConcurrentVerifications"/> directory checks at
/// once (each off the caller's thread), queues the rest asynchronously, and refuses a verified impostor of a reserved id.
/// </summary>
/// <remarks>
/// PBKDF2 costs tens of milliseconds of CPU and the embedded directory runs it synchronously. Without the gate a
/// flood of attempts would run that many derivations at once on the callers' threads and starve the thread pool (so
/// request scopes on every other session would wait). With it, a flood costs a bounded number of threads and a queue.
/// </remarks>
internal sealed class VerificationGate
{
    // Counts free turns. A waiter queues asynchronously (WaitAsync), so a queued attempt holds no thread.
    private readonly SemaphoreSlim _turns;
    private readonly int _maxPasswordBytes;

    public VerificationGate(int maxConcurrent, int maxPasswordBytes)
    {
        _turns = new SemaphoreSlim(maxConcurrent, maxConcurrent);
        _maxPasswordBytes = maxPasswordBytes;
    }

    /// <summary>Checks <paramref name="password"/> for <paramref name="name"/> with <paramref name="users"/>.</summary>
    /// <returns>The verified user, or <see langword="null"/> for an unknown user, a wrong password or a password that is not valid UTF-16.</returns>
    /// <exception cref="ArgumentException">The password is longer than <see cref="SessionManagerOptions.MaxPasswordBytes"/>; the message names the bound, not the password.</exception>
    /// <exception cref="AuthenticationFailedException"><paramref name="cancellationToken"/> was cancelled while the attempt waited or ran: the unified failure.</exception>
    /// <exception cref="AccessDeniedException">The directory verified a user with a reserved id (0 or 1) and another name.</exception>
    public async ValueTask<SessionUser?> VerifyAsync(IUserDirectory users, string name, string password, CancellationToken cancellationToken)
    {
        CheckLength(password);
        if (Text.HasLoneSurrogate(password))
        {
            // No directory can encode it faithfully (a strict encoder throws quoting the character, a lenient one
            // conflates passwords): a failed check, so on_auth runs and the client gets the unified message.
            return null;
        }

        SessionUser? user;
        try
        {
            await _turns.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Task.Run: a directory that derives synchronously occupies a pool thread for its turn, never the caller's.
                user = await Task.Run(() => users.VerifyAsync(name, password, cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _turns.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A cancelled attempt tells the client nothing more than a wrong password does.
            throw new AuthenticationFailedException();
        }

        if (user is not null && ReservedUsers.IsImpostor(user))
        {
            throw ReservedUsers.Refusal(user, "Session");
        }

        return user;
    }

    private void CheckLength(string password)
    {
        // Every UTF-16 unit is at least one UTF-8 byte and at most three, so most passwords need no count.
        if (password.Length > _maxPasswordBytes ||
            (password.Length > _maxPasswordBytes / 3 && Encoding.UTF8.GetByteCount(password) > _maxPasswordBytes))
        {
            throw new ArgumentException(
                $"The password must be at most {_maxPasswordBytes} bytes long in UTF-8 (SessionManagerOptions.MaxPasswordBytes).", nameof(password));
        }
    }
}
