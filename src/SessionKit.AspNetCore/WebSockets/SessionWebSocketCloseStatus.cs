using System.Net.WebSockets;
using System.Text;

namespace SessionKit.AspNetCore;

/// <summary>
/// The WebSocket close frame a SessionKit close sends: a status code in the 4000–4999 range RFC 6455 leaves to
/// applications, one per <see cref="SessionCloseReason.Condition"/>, and the reason's text cut to the protocol's limit.
/// </summary>
/// <remarks>
/// A browser reads both from its <c>close</c> event (<c>event.code</c>, <c>event.reason</c>). The description is
/// <see cref="SessionCloseReason.ToString"/> (<c>condition: text</c>), so the condition survives even when the code is
/// the generic <see cref="Other"/>.
/// </remarks>
public static class SessionWebSocketCloseStatus
{
    /// <summary>The most UTF-8 bytes a close frame's description may hold (125 bytes of payload less the 2-byte code).</summary>
    public const int MaxDescriptionBytes = 123;

    /// <summary>A condition without a code of its own.</summary>
    public const int Other = 4000;

    /// <summary><c>conflict</c>: replaced by a newer connection of the same resource.</summary>
    public const int Conflict = 4001;

    /// <summary><c>system-shutdown</c>: the server is stopping.</summary>
    public const int SystemShutdown = 4002;

    /// <summary><c>policy-violation</c>: kicked, evicted by the per-user limit, too slow.</summary>
    public const int PolicyViolation = 4003;

    /// <summary><c>not-authorized</c>: the account was deleted or disabled, or the connection was refused.</summary>
    public const int NotAuthorized = 4004;

    /// <summary><c>reset</c>: the password or role changed.</summary>
    public const int Reset = 4005;

    /// <summary><c>connection-timeout</c>: idle or unauthenticated for too long.</summary>
    public const int ConnectionTimeout = 4006;

    /// <summary>Gets the close status for <paramref name="reason"/>: <see cref="WebSocketCloseStatus.NormalClosure"/> for <see cref="SessionCloseReason.None"/>, else a 4000-range code.</summary>
    /// <param name="reason">Why the session is closed.</param>
    /// <returns>The status to send.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reason"/> is null.</exception>
    public static WebSocketCloseStatus For(SessionCloseReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return (WebSocketCloseStatus)(reason.Condition switch
        {
            "none" => (int)WebSocketCloseStatus.NormalClosure,
            "conflict" => Conflict,
            "system-shutdown" => SystemShutdown,
            "policy-violation" => PolicyViolation,
            "not-authorized" => NotAuthorized,
            "reset" => Reset,
            "connection-timeout" => ConnectionTimeout,
            _ => Other,
        });
    }

    /// <summary>Gets the close description for <paramref name="reason"/>: <c>condition: text</c>, cut to <see cref="MaxDescriptionBytes"/>.</summary>
    /// <param name="reason">Why the session is closed.</param>
    /// <returns>The description to send.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reason"/> is null.</exception>
    public static string Describe(SessionCloseReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return Truncate(reason.ToString(), MaxDescriptionBytes);
    }

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="maxBytes"/> UTF-8 bytes, never inside a character.</summary>
    /// <param name="text">The text.</param>
    /// <param name="maxBytes">The byte budget.</param>
    /// <returns><paramref name="text"/> itself when it fits, else its longest prefix of whole characters that fits.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBytes"/> is negative.</exception>
    public static string Truncate(string text, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        // Whole runes only: a surrogate pair is one 4-byte character, and a lone surrogate is sent as U+FFFD (3 bytes).
        var bytes = 0;
        var chars = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            chars += rune.Utf16SequenceLength;
        }

        return text[..chars];
    }
}
