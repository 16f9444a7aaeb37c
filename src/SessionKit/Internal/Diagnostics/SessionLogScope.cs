using System.Collections;
using System.Globalization;

namespace SessionKit.Internal;

/// <summary>
/// The logging scope put around trigger runs: session id, type, user and peer. Built once per session and read live,
/// so a user change after authentication shows up. Never carries a password or a storage value.
/// </summary>
internal sealed class SessionLogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly Session _session;

    public SessionLogScope(Session session) => _session = session;

    public int Count => 4;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("SessionId", _session.Id),
        1 => new("SessionType", _session.Type.Name),
        2 => new("UserName", _session.User.Name),
        3 => new("Peer", _session.Peer),
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

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"Session {_session.Id} ({_session.Type.Name}, user {_session.User.Name}, peer {_session.Peer ?? "none"})");
}
