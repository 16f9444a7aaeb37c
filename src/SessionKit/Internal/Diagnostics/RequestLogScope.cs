using System.Collections;
using System.Globalization;

namespace SessionKit.Internal;

/// <summary>
/// The state of the scope <see cref="SessionLoggerExtensions.BeginSessionScope"/> opens: session id, user and request
/// sync, copied when the scope opens. A copy, unlike the live <see cref="SessionLogScope"/> of trigger runs, because the
/// sync belongs to one request flow: a provider that formats scopes later, on another thread, would read no sync or
/// another request's.
/// </summary>
internal sealed class RequestLogScope(ulong sessionId, string userName, ulong sync) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public const string SessionIdKey = "SessionId";
    public const string UserNameKey = "UserName";
    public const string SyncKey = "Sync";

    public int Count => 3;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new(SessionIdKey, sessionId),
        1 => new(UserNameKey, userName),
        2 => new(SyncKey, sync),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Session {sessionId} (user {userName}, sync {sync})");
}
