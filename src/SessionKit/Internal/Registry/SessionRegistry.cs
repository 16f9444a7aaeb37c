using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace SessionKit.Internal;

/// <summary>
/// The registered sessions of one manager: the id → session map, the last id handed out and the exact count. A session
/// is in it from publication (connect) until destroy.
/// </summary>
/// <remarks>
/// Connects write <c>_lastId</c> and <c>_count</c>, destroys <c>_count</c>, all with <see cref="Interlocked"/>. Each sits
/// on cache lines of its own (<see cref="PaddedLong"/>) so that two threads churning sessions do not pass one line back
/// and forth between these counters and the fields every operation only reads. The count stays a single exact counter:
/// <see cref="Count"/> must be exact and O(1), and must never take the dictionary's locks.
/// </remarks>
internal sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<ulong, Session> _sessions = new();
    private PaddedLong _lastId;
    private PaddedLong _count;

    /// <summary>Gets the number of registered sessions.</summary>
    public int Count => (int)Volatile.Read(ref _count.Value);

    /// <summary>Hands out the next session id: 1 or more, never reused.</summary>
    public ulong NextId() => (ulong)Interlocked.Increment(ref _lastId.Value);

    /// <summary>Registers a new session.</summary>
    public void Add(Session session)
    {
        _sessions.TryAdd(session.Id, session);
        Interlocked.Increment(ref _count.Value);
    }

    /// <summary>Unregisters a destroyed session (only that very instance).</summary>
    public void Remove(Session session)
    {
        if (_sessions.TryRemove(new KeyValuePair<ulong, Session>(session.Id, session)))
        {
            Interlocked.Decrement(ref _count.Value);
        }
    }

    /// <summary>Tells whether a session with that id is registered.</summary>
    public bool Contains(ulong id) => id != 0 && _sessions.ContainsKey(id);

    /// <summary>Looks a registered session up.</summary>
    public bool TryGet(ulong id, [NotNullWhen(true)] out Session? session) => _sessions.TryGetValue(id, out session);

    /// <summary>Gets a snapshot of the registered sessions, ordered by id.</summary>
    public Session[] Snapshot()
    {
        var sessions = _sessions.Values.ToArray();
        Array.Sort(sessions, static (a, b) => a.Id.CompareTo(b.Id));
        return sessions;
    }

    /// <summary>
    /// Enumerates without a snapshot: the dictionary's enumerator takes no lock and copies nothing, so a sweep over a
    /// million sessions never blocks connects or disconnects (<c>Values</c> would take every lock and copy the map).
    /// </summary>
    public IEnumerator<KeyValuePair<ulong, Session>> GetEnumerator() => _sessions.GetEnumerator();

    /// <summary>Gets the open sessions whose session user is <paramref name="user"/> (same id and name), in no order.</summary>
    public List<Session> RunningAs(SessionUser user)
    {
        var found = new List<Session>();
        foreach (var pair in _sessions)
        {
            var session = pair.Value;
            var current = session.User;
            if (!session.IsClosed && current.Id == user.Id && string.Equals(current.Name, user.Name, StringComparison.Ordinal))
            {
                found.Add(session);
            }
        }

        return found;
    }
}
