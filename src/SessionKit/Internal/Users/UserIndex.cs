using System.Collections.Concurrent;

namespace SessionKit.Internal;

/// <summary>
/// The sessions of each (host, user) pair, their bound resources and the storage they share: O(k) snapshots for k
/// sessions of a user. Only sessions whose user is not guest are indexed, so unauthenticated connections cost nothing.
/// </summary>
/// <remarks>
/// Each user has an entry with its own lock. An entry that loses its last session is marked dead and removed from the
/// map under its lock; an adder that finds a dead entry retries with a fresh one, so no session is ever added to an
/// entry that is no longer reachable. Lock order: a session's lock, then an entry's lock, never the reverse. Nothing
/// here calls out to host code.
/// </remarks>
internal sealed class UserIndex
{
    private readonly ConcurrentDictionary<UserKey, UserEntry> _entries = new();

    /// <summary>Gets or sets how many values a user's shared storage may hold (<see cref="SessionManagerOptions.MaxUserStorageKeys"/>); set once by the manager.</summary>
    public int MaxSharedStorageKeys { get; set; } = 1024;

    /// <summary>Gets the number of users with at least one session.</summary>
    public int UserCount => _entries.Count;

    /// <summary>
    /// Adds a session unless the user already holds <paramref name="limit"/> sessions and <paramref name="rejectOverLimit"/>
    /// is set. Reports whether it is the user's first session and which sessions exceed the limit (oldest first).
    /// </summary>
    public AddResult Add(Session session, SessionUser user, int limit = int.MaxValue, bool rejectOverLimit = false)
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

                var open = entry.OpenCount_NeedsLock();
                if (open >= limit && rejectOverLimit)
                {
                    return new AddResult(Added: false, First: false, OverLimit: []);
                }

                entry.Sessions.Add(session);
                Session[] over = [];
                if (open + 1 > limit)
                {
                    // Oldest first, never the newcomer, only sessions not already closing.
                    over = entry.Sessions.Where(s => !ReferenceEquals(s, session) && !s.IsClosed && s.IsRegistered).Take(open + 1 - limit).ToArray();
                }

                return new AddResult(Added: true, First: entry.Sessions.Count == 1, OverLimit: over);
            }
        }
    }

    /// <summary>
    /// Gets the sessions to evict so that the user is back within <paramref name="limit"/> now that
    /// <paramref name="keep"/> is accepted: the oldest open registered ones, never <paramref name="keep"/>.
    /// </summary>
    public Session[] OverLimit(Session keep, SessionUser user, int limit)
    {
        if (!_entries.TryGetValue(new UserKey(keep.Host, user.Name), out var entry))
        {
            return [];
        }

        lock (entry.Lock)
        {
            var open = entry.IsDead ? 0 : entry.OpenCount_NeedsLock();
            return open <= limit
                ? []
                : entry.Sessions.Where(s => !ReferenceEquals(s, keep) && !s.IsClosed && s.IsRegistered).Take(open - limit).ToArray();
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

            // Normally released by Unbind at close; a bind that raced with the close is released here at destroy.
            if (entry.Resources is { } resources && session.Resource is { } resource &&
                resources.TryGetValue(resource, out var owner) && ReferenceEquals(owner, session))
            {
                resources.Remove(resource);
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
            return entry.IsDead ? [] : entry.RegisteredSessions_NeedsLock();
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
            return entry.IsDead ? 0 : entry.RegisteredCount_NeedsLock();
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
            return entry.IsDead ? null : entry.SharedStorage ??= new SessionStorage(0, MaxSharedStorageKeys, nameof(SessionManagerOptions.MaxUserStorageKeys));
        }
    }

    /// <summary>
    /// Binds <paramref name="resource"/> to <paramref name="session"/> if it is free. Returns the current owner when it is
    /// taken (and binds nothing), or <see langword="null"/> when the bind happened.
    /// </summary>
    public BindAttempt TryBind(Session session, SessionUser user, string resource)
    {
        if (!_entries.TryGetValue(new UserKey(session.Host, user.Name), out var entry))
        {
            return new BindAttempt(Bound: false, Owner: null, Indexed: false);
        }

        lock (entry.Lock)
        {
            if (entry.IsDead || !entry.Sessions.Contains(session))
            {
                return new BindAttempt(Bound: false, Owner: null, Indexed: false);
            }

            var resources = entry.Resources ??= new Dictionary<string, Session>(StringComparer.Ordinal);
            if (resources.TryGetValue(resource, out var owner))
            {
                return new BindAttempt(Bound: false, Owner: owner, Indexed: true);
            }

            resources[resource] = session;
            session.Resource = resource;
            return new BindAttempt(Bound: true, Owner: null, Indexed: true);
        }
    }

    /// <summary>Removes the session's resource binding; returns the resource it held, or <see langword="null"/>.</summary>
    public string? Unbind(Session session, SessionUser user)
    {
        var resource = session.Resource;
        if (resource is null || !_entries.TryGetValue(new UserKey(session.Host, user.Name), out var entry))
        {
            return null;
        }

        lock (entry.Lock)
        {
            if (entry.Resources is { } resources && resources.TryGetValue(resource, out var owner) && ReferenceEquals(owner, session))
            {
                resources.Remove(resource);
                return resource;
            }

            return null;
        }
    }

    /// <summary>Gets a snapshot of a user's bound resources and their sessions.</summary>
    public KeyValuePair<string, Session>[] ResourcesOf(string user, string? host)
    {
        if (!_entries.TryGetValue(new UserKey(host, user), out var entry))
        {
            return [];
        }

        lock (entry.Lock)
        {
            return entry.Resources is null ? [] : entry.Resources.OrderBy(r => r.Value.Id).ToArray();
        }
    }

    internal readonly record struct AddResult(bool Added, bool First, Session[] OverLimit);

    internal readonly record struct BindAttempt(bool Bound, Session? Owner, bool Indexed);

    private sealed class UserEntry
    {
        public readonly Lock Lock = new();
        public readonly List<Session> Sessions = new(2);
        public Dictionary<string, Session>? Resources;
        public bool IsDead;
        public SessionStorage? SharedStorage;

        /// <summary>The sessions others may see: a session connecting with a pre-authenticated user is hidden until it is registered.</summary>
        public Session[] RegisteredSessions_NeedsLock()
        {
            // The common case copies the list as is. The registered flag is set outside this lock, so the filtered
            // copy is built in one pass from what it reads, never from a count taken earlier.
            if (Sessions.TrueForAll(static s => s.IsRegistered))
            {
                return Sessions.ToArray();
            }

            return Sessions.FindAll(static s => s.IsRegistered).ToArray();
        }

        public int RegisteredCount_NeedsLock()
        {
            var count = 0;
            foreach (var session in Sessions)
            {
                if (session.IsRegistered)
                {
                    count++;
                }
            }

            return count;
        }

        /// <summary>Open sessions, registered or not: the per-user limit counts a session still connecting.</summary>
        public int OpenCount_NeedsLock()
        {
            var open = 0;
            foreach (var session in Sessions)
            {
                if (!session.IsClosed)
                {
                    open++;
                }
            }

            return open;
        }
    }
}
