using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace SessionKit.Internal;

/// <summary>The checks every entry point makes on a session argument, and the exceptions they throw.</summary>
internal static class SessionGuards
{
    /// <summary>Throws unless <paramref name="session"/> is a session of <paramref name="owner"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="session"/> belongs to another manager.</exception>
    public static void Validate(Session session, SessionManager owner, string parameterName = "session")
    {
        ArgumentNullException.ThrowIfNull(session, parameterName);
        if (!ReferenceEquals(session.Manager, owner))
        {
            ThrowOtherManager(session, parameterName);
        }
    }

    /// <summary>Throws when the session is closed.</summary>
    /// <exception cref="SessionClosedException">The session is closed.</exception>
    public static void ThrowIfClosed(Session session)
    {
        if (session.IsClosed)
        {
            throw new SessionClosedException(session.Id, $"Session {session.Id} is closed.");
        }
    }

    // Kept out of Enter so that the common path sets up no string-formatting locals.
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowClosedForRequests(Session session) =>
        throw new SessionClosedException(session.Id, $"Session {session.Id} is closed; no new request can enter it.");

    [DoesNotReturn]
    public static void ThrowClosedDuringAuthentication(Session session) =>
        throw new SessionClosedException(session.Id, $"Session {session.Id} was closed during authentication.");

    /// <summary>Tarantool's refusal of a user that may not connect.</summary>
    public static AccessDeniedException SessionAccessDenied(SessionUser user) =>
        new("Session", "universe", string.Empty, user.Name, $"Session access is denied for user '{Text.Truncate(user.Name)}'");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOtherManager(Session session, string parameterName) =>
        throw new ArgumentException($"Session {session.Id} belongs to another SessionManager.", parameterName);
}
