using System.Diagnostics.CodeAnalysis;

namespace SessionKit;

/// <summary>
/// Where a <see cref="SessionManager"/> finds users and checks credentials. <see cref="InMemoryUserDirectory"/> is the
/// embedded default; implement this to check a database, a token service or a client certificate.
/// </summary>
/// <remarks>Implementations must be thread-safe: every session calls them concurrently.</remarks>
public interface IUserDirectory
{
    /// <summary>Finds a user by name. Called synchronously by <c>Su</c> and <c>ChangeUser</c>, so it must not block on I/O.</summary>
    /// <param name="name">The user name, already validated.</param>
    /// <param name="user">The user when found.</param>
    /// <returns><see langword="true"/> when the user exists.</returns>
    bool TryFindUser(string name, [NotNullWhen(true)] out SessionUser? user);

    /// <summary>Checks a user's credentials.</summary>
    /// <param name="name">The user name as the client sent it.</param>
    /// <param name="password">The credential as the client sent it. Never log or keep it.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The user when the credentials are valid; <see langword="null"/> when the user is unknown or the credentials are wrong (the two must be indistinguishable).</returns>
    ValueTask<SessionUser?> VerifyAsync(string name, string password, CancellationToken cancellationToken = default);

    /// <summary>Tells whether a user may hold a session (Tarantool's <c>session</c> privilege).</summary>
    /// <param name="user">The user.</param>
    /// <returns><see langword="true"/> when the user may connect.</returns>
    bool MayConnect(SessionUser user);
}
