using System.Collections.Concurrent;

namespace SessionKit.Internal;

/// <summary>
/// The sessions of each (host, user) pair: O(k) snapshots for k sessions of a user, plus the user's shared storage.
/// Only sessions whose user is not guest are indexed, so unauthenticated connections cost nothing here.
/// </summary>
/// <remarks>
/// Each user has an entry with its own lock. An entry that loses its last session is marked dead and removed from
/// the map under its lock; an adder that finds a dead entry retries with a fresh one, so no session is ever added to
/// an entry that is no longer reachable. Lock order: a session's lock, then an entry's lock, never the reverse.
/// </remarks>
internal sealed class UserIndex
{
    private readonly ConcurrentDictionary<UserKey, UserEntry> _entries = new();

    /// <summary>Gets the number of users with at least one session.</summary>
    public int UserCount => _entries.Count;

    /// <summary>Adds a session; returns <see langword="true"/> when it is the user's first.</summary>
    public bool Add(Session session, SessionUser user)
    {
        var key = new UserKey(session.Host, user.Name);
        while (true)
        {
            var entry = _entries.GetOrAdd(key, static _ => new UserEntry());
            lock (entry.Lock)
            {
                if (entry.IsDead)
                {
                    continue;
                }

                entry.Sessions.Add(session);
                return entry.Sessions.Count == 1;
            }
        }
    }

    /// <summary>Removes a session; returns <see langword="true"/> when it was the user's last.</summary>
    public bool Remove(Session session, SessionUser user)
    {
        var key = new UserKey(session.Host, user.Name);
        if (!_entries.TryGetValue(key, out var entry))
        {
            return false;
        }

        lock (entry.Lock)
        {
            if (!entry.Sessions.Remove(session))
            {
                return false;
            }

            if (entry.Sessions.Count > 0)
            {
                return false;
            }

            entry.IsDead = true;
            _entries.TryRemove(new KeyValuePair<UserKey, UserEntry>(key, entry));
            entry.SharedStorage?.Seal();
            return true;
        }
    }

    /// <summary>Gets a snapshot of a user's sessions, oldest first.</summary>
    public Session[] SessionsOf(string user, string? host)
    {
        if (!_entries.TryGetValue(new UserKey(host, user), out var entry))
        {
            return [];
        }

        lock (entry.Lock)
        {
            return entry.IsDead ? [] : entry.Sessions.ToArray();
        }
    }

    /// <summary>Gets the number of a user's sessions.</summary>
    public int CountOf(string user, string? host)
    {
        if (!_entries.TryGetValue(new UserKey(host, user), out var entry))
        {
            return 0;
        }

        lock (entry.Lock)
        {
            return entry.IsDead ? 0 : entry.Sessions.Count;
        }
    }

    /// <summary>Gets the storage shared by a user's sessions, or <see langword="null"/> when the user has none.</summary>
    public SessionStorage? SharedStorageOf(string user, string? host)
    {
        if (!_entries.TryGetValue(new UserKey(host, user), out var entry))
        {
            return null;
        }

        lock (entry.Lock)
        {
            return entry.IsDead ? null : entry.SharedStorage ??= new SessionStorage(0);
        }
    }

    /// <summary>Gets a snapshot of every indexed (host, user) pair.</summary>
    public KeyValuePair<UserKey, int>[] Users()
    {
        var result = new List<KeyValuePair<UserKey, int>>();
        foreach (var pair in _entries)
        {
            lock (pair.Value.Lock)
            {
                if (!pair.Value.IsDead)
                {
                    result.Add(new(pair.Key, pair.Value.Sessions.Count));
                }
            }
        }

        return result.ToArray();
    }

    private sealed class UserEntry
    {
        public readonly Lock Lock = new();
        public readonly List<Session> Sessions = new(2);
        public bool IsDead;
        public SessionStorage? SharedStorage;
    }
}
