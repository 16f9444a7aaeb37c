namespace SessionKit;

public sealed partial class Session
{
    private volatile string? _resource;
    private volatile int _priority;
    private volatile bool _available;
    private volatile bool _interested;

    // 1 while a BindResourceAsync call runs for this session or once it has bound: a second bind is refused.
    private int _binding;

    /// <summary>Gets the resource bound with <see cref="UserSessions.BindResourceAsync"/>, or <see langword="null"/> when unbound.</summary>
    /// <remarks>Stays readable after the session closed (the binding itself is released at close).</remarks>
    public string? Resource
    {
        get => _resource;
        internal set => _resource = value;
    }

    /// <summary>Gets the session's full address, <c>user@host/resource</c> (<c>user/resource</c> without a host), or <see langword="null"/> when unbound.</summary>
    public string? FullAddress => _resource is { } resource ? $"{BareAddress}/{resource}" : null;

    /// <summary>Gets the user's address, <c>user@host</c> (<c>user</c> without a host).</summary>
    public string BareAddress => Host is null ? User.Name : $"{User.Name}@{Host}";

    /// <summary>Gets or sets the presence priority (XMPP's -128..127). Routing to available sessions picks the highest non-negative one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside -128..127.</exception>
    public int Priority
    {
        get => _priority;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, -128);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 127);
            _priority = value;
        }
    }

    /// <summary>Gets or sets a value indicating whether the session is available (it broadcast presence).</summary>
    public bool IsAvailable
    {
        get => _available;
        set => _available = value;
    }

    /// <summary>Gets or sets a value indicating whether the session is interested (it asked for the roster, so it wants roster pushes).</summary>
    public bool IsInterested
    {
        get => _interested;
        set => _interested = value;
    }

    /// <summary>Gets the session's classification in Prosody's terms: a connected resource is bound; available and interested are flags on top.</summary>
    public SessionFacets Facets
    {
        get
        {
            if (IsClosed)
            {
                return SessionFacets.None;
            }

            var facets = _resource is null ? SessionFacets.None : SessionFacets.Connected;
            if (_available)
            {
                facets |= SessionFacets.Available;
            }

            if (_interested)
            {
                facets |= SessionFacets.Interested;
            }

            return facets;
        }
    }

    /// <summary>Claims the session's single bind; fails when a bind is running or succeeded.</summary>
    internal bool TryStartBind() => _resource is null && Interlocked.CompareExchange(ref _binding, 1, 0) == 0;

    /// <summary>Ends a bind attempt; a failed attempt lets the session try again.</summary>
    internal void EndBind()
    {
        if (_resource is null)
        {
            Volatile.Write(ref _binding, 0);
        }
    }

    /// <summary>Forgets a binding released by a user change, so the session may bind again as its new user.</summary>
    internal void ResetBind()
    {
        _resource = null;
        Volatile.Write(ref _binding, 0);
    }
}
