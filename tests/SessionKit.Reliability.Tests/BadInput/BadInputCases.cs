using SessionKit.Reliability.Tests.Support;

namespace SessionKit.Reliability.Tests.BadInput;

/// <summary>One bad call: what it calls, what the docs say it must throw (or return), and which parameter it must name.</summary>
/// <param name="Name">Unique display name: member and input.</param>
/// <param name="Member">The XML documentation id (or a unique prefix of it) of the member called.</param>
/// <param name="Act">The call.</param>
/// <param name="Throws">The exact exception type expected, or null when the call must return <paramref name="Returns"/>.</param>
/// <param name="Param">The parameter name the exception must carry (ArgumentException family), or null.</param>
/// <param name="Returns">The value expected when nothing is thrown.</param>
/// <param name="Message">The exact message expected, when the docs fix it.</param>
public sealed record BadCase(string Name, string Member, Func<BadInputFixture, Task<object?>> Act, Type? Throws, string? Param, object? Returns = null, string? Message = null);

/// <summary>The bad-input table: every public method of the core types × its invalid inputs.</summary>
public static class BadInputCases
{
    private const string Mgr = "SessionKit.SessionManager.";
    private const string Usr = "SessionKit.UserSessions.";
    private const string Adm = "SessionKit.SessionAdministration.";

    /// <summary>The invalid forms of a name (user, host, resource, trigger name, storage key): label, value, expected type.</summary>
    public static readonly (string Label, string? Value, Type Throws)[] InvalidNames =
    [
        ("null", null, typeof(ArgumentNullException)),
        ("empty", string.Empty, typeof(ArgumentException)),
        ("whitespace", "   ", typeof(ArgumentException)),
        ("control character", "a\u0001b", typeof(ArgumentException)),
        ("newline", "line\nbreak", typeof(ArgumentException)),
        ("64 KiB", new string('x', 64 * 1024), typeof(ArgumentException)),
        ("lone high surrogate", "a\uD800b", typeof(ArgumentException)),
        ("lone low surrogate", "\uDC00", typeof(ArgumentException)),
    ];

    /// <summary>The invalid forms of a user or host name: every invalid name, and '@' or '/' (issue 12, Names).</summary>
    public static readonly (string Label, string? Value, Type Throws)[] InvalidUserNames =
    [
        .. InvalidNames,
        ("'@'", "alice@example.com", typeof(ArgumentException)),
        ("'/'", "alice/home", typeof(ArgumentException)),
    ];

    private static readonly (string Label, string? Value, Type Throws)[] InvalidHosts = InvalidUserNames.Where(n => n.Value is not null).ToArray();

    public static IReadOnlyDictionary<string, BadCase> All { get; } = Build().ToDictionary(c => c.Name, StringComparer.Ordinal);

    private static Func<BadInputFixture, Task<object?>> S(Func<BadInputFixture, object?> call) => fx => Task.FromResult(call(fx));

    private static Func<BadInputFixture, Task<object?>> A(Func<BadInputFixture, Task> call) => async fx =>
    {
        await call(fx);
        return null;
    };

    private static Func<BadInputFixture, Task<object?>> A<T>(Func<BadInputFixture, ValueTask<T>> call) => async fx => await call(fx);

    private static Func<BadInputFixture, Task<object?>> V(Func<BadInputFixture, ValueTask> call) => async fx =>
    {
        await call(fx);
        return null;
    };

    private static IEnumerable<BadCase> Names(string method, string member, string param, Func<BadInputFixture, string?, Task<object?>> call, bool hostLike = false, bool user = false)
    {
        foreach (var (label, value, throws) in hostLike ? InvalidHosts : user ? InvalidUserNames : InvalidNames)
        {
            yield return new BadCase($"{method}({param}: {label})", member, fx => call(fx, value), throws, param);
        }
    }

    private static IEnumerable<BadCase> Build()
    {
        // ---- SessionManager: construction -------------------------------------------------------------------------
        var ctor = "M:" + Mgr + "#ctor(";
        BadCase Options(string label, Func<SessionManagerOptions> options) =>
            new($"new SessionManager(options: {label})", ctor, S(_ => new SessionManager(options(), BadInputFixture.Users)), typeof(ArgumentException), "options");
        yield return Options("ShutdownTimeout 0", () => new SessionManagerOptions { ShutdownTimeout = TimeSpan.Zero });
        yield return Options("ShutdownTimeout -1 s", () => new SessionManagerOptions { ShutdownTimeout = TimeSpan.FromSeconds(-1) });
        yield return Options("ShutdownTimeout TimeSpan.MaxValue", () => new SessionManagerOptions { ShutdownTimeout = TimeSpan.MaxValue });
        yield return Options("CloseTimeout 0", () => new SessionManagerOptions { CloseTimeout = TimeSpan.Zero });
        yield return Options("CloseTimeout -1 s", () => new SessionManagerOptions { CloseTimeout = TimeSpan.FromSeconds(-1) });
        yield return Options("AuthenticationTimeout 0", () => new SessionManagerOptions { AuthenticationTimeout = TimeSpan.Zero });
        yield return Options("ResourceConflictPolicy 99", () => new SessionManagerOptions { ResourceConflictPolicy = (ResourceConflictPolicy)99 });
        yield return Options("SessionLimitPolicy -1", () => new SessionManagerOptions { SessionLimitPolicy = (SessionLimitPolicy)(-1) });
        yield return Options("BackgroundUser unknown", () => new SessionManagerOptions { BackgroundUser = "nobody" });

        // Issue 12, bounds: each must be positive, the name bounds at most 1024, the peer at most 4096.
        foreach (var (option, set, ceiling) in new (string, Action<SessionManagerOptions, int>, int)[]
        {
            ("MaxUserNameLength", (o, v) => o.MaxUserNameLength = v, SessionManagerOptions.NameLengthCeiling),
            ("MaxHostLength", (o, v) => o.MaxHostLength = v, SessionManagerOptions.NameLengthCeiling),
            ("MaxResourceLength", (o, v) => o.MaxResourceLength = v, SessionManagerOptions.NameLengthCeiling),
            ("MaxPeerLength", (o, v) => o.MaxPeerLength = v, 4096),
            ("MaxPasswordBytes", (o, v) => o.MaxPasswordBytes = v, 1 << 20),
            ("MaxStorageKeys", (o, v) => o.MaxStorageKeys = v, int.MaxValue),
            ("MaxUserStorageKeys", (o, v) => o.MaxUserStorageKeys = v, int.MaxValue),
            ("MaxTriggersPerList", (o, v) => o.MaxTriggersPerList = v, int.MaxValue),
            ("MaxConcurrentVerifications", (o, v) => o.MaxConcurrentVerifications = v, 4096),
        })
        {
            var bad = ceiling == int.MaxValue ? new[] { 0, -1, int.MinValue } : new[] { 0, -1, ceiling + 1 };
            foreach (var value in bad)
            {
                yield return Options($"{option} {value}", () =>
                {
                    var o = new SessionManagerOptions();
                    set(o, value);
                    return o;
                });
            }
        }
        foreach (var (label, value, _) in InvalidUserNames)
        {
            yield return Options($"BackgroundUser {label}", () => new SessionManagerOptions { BackgroundUser = value! });
        }

        // ---- SessionManager: connect --------------------------------------------------------------------------------
        var connectType = "M:" + Mgr + "ConnectAsync(SessionKit.SessionType";
        var connectOptions = "M:" + Mgr + "ConnectAsync(SessionKit.ConnectOptions";
        yield return new("ConnectAsync(options: null)", connectOptions, A(fx => fx.M.ConnectAsync(null!)), typeof(ArgumentNullException), "options");
        foreach (var (label, value, _) in InvalidUserNames.Where(n => n.Value is not null))
        {
            yield return new($"ConnectAsync(options.User: {label})", connectOptions, A(fx => fx.M.ConnectAsync(new ConnectOptions { User = value })), typeof(ArgumentException), "options");
            yield return new($"ConnectAsync(options.Host: {label})", connectOptions, A(fx => fx.M.ConnectAsync(new ConnectOptions { Host = value })), typeof(ArgumentException), "options");
        }

        foreach (var (label, peer) in new (string, System.Net.EndPoint)[]
        {
            ("control character", new System.Net.DnsEndPoint("evil\nhost", 1)),
            ("lone surrogate", new System.Net.DnsEndPoint("a\uD800", 1)),
            ("513 characters", new System.Net.DnsEndPoint(new string('h', 507), 65535)),
        })
        {
            yield return new($"ConnectAsync(options.Peer: {label})", connectOptions, A(fx => fx.M.ConnectAsync(new ConnectOptions { Peer = peer })), typeof(ArgumentException), "options");
            yield return new($"ConnectAsync(type, peer: {label})", connectType, A(fx => fx.M.ConnectAsync(SessionType.Binary, peer)), typeof(ArgumentException), "peer");
        }

        yield return new("ConnectAsync(options.User: 257 characters)", connectOptions, A(fx => fx.M.ConnectAsync(new ConnectOptions { User = new string('x', 257) })), typeof(ArgumentException), "options");
        yield return new("ConnectAsync(options.Host: 257 characters)", connectOptions, A(fx => fx.M.ConnectAsync(new ConnectOptions { Host = new string('x', 257) })), typeof(ArgumentException), "options");
        yield return new("ConnectAsync(options.User: unknown)", connectOptions, A(fx => fx.M.ConnectAsync(new ConnectOptions { User = "nobody" })), typeof(UserNotFoundException), null, Message: "User 'nobody' is not found");
        yield return new("ConnectAsync(options.User: may not connect)", connectOptions, A(fx => fx.M.ConnectAsync(new ConnectOptions { User = "locked" })), typeof(AccessDeniedException), null, Message: "Session access is denied for user 'locked'");
        yield return new("ConnectAsync(type) on a disposed manager", connectType, A(fx => fx.Disposed.ConnectAsync(SessionType.Binary)), typeof(ObjectDisposedException), null);
        yield return new("ConnectAsync(options) on a disposed manager", connectOptions, A(fx => fx.Disposed.ConnectAsync(new ConnectOptions())), typeof(ObjectDisposedException), null);

        // ---- SessionManager: disconnect, enter, authenticate ----------------------------------------------------------
        var disconnect = "M:" + Mgr + "DisconnectAsync(SessionKit.Session,SessionKit.SessionCloseReason";
        yield return new("DisconnectAsync(session: null)", disconnect, V(fx => fx.M.DisconnectAsync(null!)), typeof(ArgumentNullException), "session");
        yield return new("DisconnectAsync(session: foreign)", disconnect, V(fx => fx.M.DisconnectAsync(fx.Foreign)), typeof(ArgumentException), "session");
        yield return new("DisconnectAsync(session: destroyed) is a no-op", disconnect, V(fx => fx.M.DisconnectAsync(fx.Dead)), null, null);
        yield return new("DisconnectAsync on a disposed manager", disconnect, V(fx => fx.Disposed.DisconnectAsync(fx.DisposedSession)), typeof(ObjectDisposedException), null);

        var enter = "M:" + Mgr + "Enter(";
        yield return new("Enter(session: null)", enter, S(fx => fx.M.Enter(null!)), typeof(ArgumentNullException), "session");
        yield return new("Enter(session: foreign)", enter, S(fx => fx.M.Enter(fx.Foreign)), typeof(ArgumentException), "session");
        yield return new("Enter(session: closed)", enter, S(fx => fx.M.Enter(fx.Closed)), typeof(SessionClosedException), null);
        yield return new("Enter(session: destroyed)", enter, S(fx => fx.M.Enter(fx.Dead)), typeof(SessionClosedException), null);
        yield return new("Enter on a disposed manager", enter, S(fx => fx.Disposed.Enter(fx.DisposedSession)), typeof(ObjectDisposedException), null);

        var auth = "M:" + Mgr + "AuthenticateAsync(";
        yield return new("AuthenticateAsync(session: null)", auth, A(fx => fx.M.AuthenticateAsync(null!, "alice", BadInputFixture.Password)), typeof(ArgumentNullException), "session");
        yield return new("AuthenticateAsync(session: foreign)", auth, A(fx => fx.M.AuthenticateAsync(fx.Foreign, "alice", BadInputFixture.Password)), typeof(ArgumentException), "session");
        foreach (var c in Names("AuthenticateAsync", auth, "userName", async (fx, v) => await fx.M.AuthenticateAsync(fx.Guest, v!, BadInputFixture.Password), user: true))
        {
            yield return c;
        }

        // Issue 12: the manager's name bound (256 by default) applies although a SessionUser may have up to 1024.
        yield return new("AuthenticateAsync(userName: 257 characters)", auth, A(fx => fx.M.AuthenticateAsync(fx.Guest, new string('x', 257), BadInputFixture.Password)), typeof(ArgumentException), "userName");
        yield return new("AuthenticateAsync(password: 1025 bytes)", auth, A(fx => fx.M.AuthenticateAsync(fx.Guest, "alice", new string('p', 1025))), typeof(ArgumentException), "password");
        yield return new("AuthenticateAsync(password: 342 three-byte characters)", auth, A(fx => fx.M.AuthenticateAsync(fx.Guest, "alice", new string('\u20AC', 342))), typeof(ArgumentException), "password");
        yield return new("AuthenticateAsync(password: lone surrogate)", auth, A(fx => fx.M.AuthenticateAsync(fx.Guest, "alice", "pw\uD800")), typeof(AuthenticationFailedException), null, Message: AuthenticationFailedException.CredentialsMessage);
        yield return new("AuthenticateAsync(password: 1024 bytes) is a wrong password", auth, A(fx => fx.M.AuthenticateAsync(fx.Guest, "alice", new string('p', 1024))), typeof(AuthenticationFailedException), null, Message: AuthenticationFailedException.CredentialsMessage);
        yield return new("AuthenticateAsync(password: null)", auth, A(fx => fx.M.AuthenticateAsync(fx.Guest, "alice", null!)), typeof(ArgumentNullException), "password");
        yield return new("AuthenticateAsync(password: wrong)", auth, A(fx => fx.M.AuthenticateAsync(fx.Guest, "alice", "wrong")), typeof(AuthenticationFailedException), null, Message: AuthenticationFailedException.CredentialsMessage);
        yield return new("AuthenticateAsync(userName: unknown)", auth, A(fx => fx.M.AuthenticateAsync(fx.Guest, "nobody", "wrong")), typeof(AuthenticationFailedException), null, Message: AuthenticationFailedException.CredentialsMessage);
        yield return new("AuthenticateAsync(userName: may not connect)", auth, A(fx => fx.M.AuthenticateAsync(fx.Guest, "locked", BadInputFixture.Password)), typeof(AccessDeniedException), null, Message: "Session access is denied for user 'locked'");
        yield return new("AuthenticateAsync(session: closed)", auth, A(fx => fx.M.AuthenticateAsync(fx.Closed, "alice", BadInputFixture.Password)), typeof(SessionClosedException), null);
        yield return new("AuthenticateAsync(session: destroyed)", auth, A(fx => fx.M.AuthenticateAsync(fx.Dead, "alice", BadInputFixture.Password)), typeof(SessionClosedException), null);
        yield return new("AuthenticateAsync on a disposed manager", auth, A(fx => fx.Disposed.AuthenticateAsync(fx.DisposedSession, "alice", "x")), typeof(ObjectDisposedException), null);

        // ---- SessionManager: users ----------------------------------------------------------------------------------
        var changeUser = "M:" + Mgr + "ChangeUser(";
        foreach (var c in Names("ChangeUser", changeUser, "user", (fx, v) => InScope(fx, fx.Admin, () => fx.M.ChangeUser(v!)), user: true))
        {
            yield return c;
        }

        yield return new("ChangeUser outside any session", changeUser, S(fx => { fx.M.ChangeUser("alice"); return null; }), typeof(InvalidOperationException), null);
        yield return new("ChangeUser(user: unknown)", changeUser, fx => InScope(fx, fx.Admin, () => fx.M.ChangeUser("nobody")), typeof(UserNotFoundException), null, Message: "User 'nobody' is not found");
        yield return new("ChangeUser(user: may not connect)", changeUser, fx => InScope(fx, fx.Admin, () => fx.M.ChangeUser("locked")), typeof(AccessDeniedException), null);
        yield return new("ChangeUser by a guest", changeUser, fx => InScope(fx, fx.Guest, () => fx.M.ChangeUser("admin")), typeof(AccessDeniedException), null);
        yield return new("ChangeUser by a non-admin user", changeUser, fx => InScope(fx, fx.Alice, () => fx.M.ChangeUser("bob")), typeof(AccessDeniedException), null);
        yield return new("ChangeUser on a disposed manager", changeUser, S(fx => { fx.Disposed.ChangeUser("alice"); return null; }), typeof(ObjectDisposedException), null);

        var su = "M:" + Mgr + "Su(System.String)";
        var suAction = "M:" + Mgr + "Su(System.String,System.Action)";
        var suFunc = "M:" + Mgr + "Su``1(";
        var suAsync = "M:" + Mgr + "SuAsync(System.String,System.Func{System.Threading.Tasks.ValueTask}";
        var suAsyncT = "M:" + Mgr + "SuAsync``1(System.String,System.Func{System.Threading.Tasks.ValueTask{``0}}";
        foreach (var c in Names("Su", su, "user", (fx, v) => Task.FromResult<object?>(fx.M.Su(v!)), user: true))
        {
            yield return c;
        }

        foreach (var c in Names("Su(user, action)", suAction, "user", (fx, v) => { fx.M.Su(v!, () => { }); return Task.FromResult<object?>(null); }, user: true))
        {
            yield return c;
        }

        foreach (var c in Names("Su<T>(user, func)", suFunc, "user", (fx, v) => Task.FromResult<object?>(fx.M.Su(v!, () => 1)), user: true))
        {
            yield return c;
        }

        foreach (var c in Names("SuAsync(user, func)", suAsync, "user", async (fx, v) => { await fx.M.SuAsync(v!, () => ValueTask.CompletedTask); return null; }, user: true))
        {
            yield return c;
        }

        foreach (var c in Names("SuAsync<T>(user, func)", suAsyncT, "user", async (fx, v) => await fx.M.SuAsync(v!, () => ValueTask.FromResult(1)), user: true))
        {
            yield return c;
        }

        yield return new("Su(user, action: null)", suAction, S(fx => { fx.M.Su("alice", (Action)null!); return null; }), typeof(ArgumentNullException), "action");
        yield return new("Su<T>(user, func: null)", suFunc, S(fx => fx.M.Su("alice", (Func<int>)null!)), typeof(ArgumentNullException), "func");
        yield return new("SuAsync(user, func: null)", suAsync, V(fx => fx.M.SuAsync("alice", null!)), typeof(ArgumentNullException), "func");
        yield return new("SuAsync<T>(user, func: null)", suAsyncT, A(fx => fx.M.SuAsync<int>("alice", null!)), typeof(ArgumentNullException), "func");
        yield return new("Su(user: unknown)", su, S(fx => fx.M.Su("nobody")), typeof(UserNotFoundException), null, Message: "User 'nobody' is not found");
        yield return new("Su(user: may not connect)", su, S(fx => fx.M.Su("locked")), typeof(AccessDeniedException), null);
        yield return new("Su to admin by a guest", su, fx => InScope(fx, fx.Guest, () => fx.M.Su("admin").Dispose()), typeof(AccessDeniedException), null);
        yield return new("Su to another user by a non-admin", su, fx => InScope(fx, fx.Alice, () => fx.M.Su("bob").Dispose()), typeof(AccessDeniedException), null);
        yield return new("Su on a disposed manager", su, S(fx => fx.Disposed.Su("alice")), typeof(ObjectDisposedException), null);
        yield return new("SuAsync on a disposed manager", suAsync, V(fx => fx.Disposed.SuAsync("alice", () => ValueTask.CompletedTask)), typeof(ObjectDisposedException), null);

        // ---- SessionManager: registry (unknown ids 0 and ulong.MaxValue) --------------------------------------------
        foreach (var id in new[] { 0UL, ulong.MaxValue })
        {
            yield return new($"Exists(id: {id})", "M:" + Mgr + "Exists(System.UInt64)", S(fx => fx.M.Exists(id)), null, null, false);
            yield return new($"TryGetSession(id: {id})", "M:" + Mgr + "TryGetSession(", S(fx => fx.M.TryGetSession(id, out var s) || s is not null), null, null, false);
            yield return new($"GetSession(id: {id})", "M:" + Mgr + "GetSession(", S(fx => fx.M.GetSession(id)), typeof(SessionNotFoundException), null);
            yield return new($"Peer(id: {id})", "M:" + Mgr + "Peer(System.UInt64)", S(fx => fx.M.Peer(id)), typeof(SessionNotFoundException), null, Message: "session.peer(): session does not exist");
            yield return new($"KickAsync(id: {id})", "M:" + Adm + "KickAsync(", A(fx => fx.M.Admin.KickAsync(id)), null, null, false);
        }

        yield return new("Exists(id: destroyed session)", "M:" + Mgr + "Exists(System.UInt64)", S(fx => fx.M.Exists(fx.Dead.Id)), null, null, false);
        yield return new("GetSession(id: destroyed session)", "M:" + Mgr + "GetSession(", S(fx => fx.M.GetSession(fx.Dead.Id)), typeof(SessionNotFoundException), null);
        yield return new("Storage outside any session", "P:" + Mgr + "Storage", S(fx => fx.M.Storage), typeof(InvalidOperationException), null);

        // Every call of a disposed manager throws ObjectDisposedException (design.md, Shutdown).
        (string Name, string Member, Func<BadInputFixture, Task<object?>> Act)[] disposed =
        [
            ("Count", "P:" + Mgr + "Count", S(fx => fx.Disposed.Count)),
            ("Exists(1)", "M:" + Mgr + "Exists(System.UInt64)", S(fx => fx.Disposed.Exists(1))),
            ("TryGetSession(1)", "M:" + Mgr + "TryGetSession(", S(fx => fx.Disposed.TryGetSession(1, out _))),
            ("GetSession(1)", "M:" + Mgr + "GetSession(", S(fx => fx.Disposed.GetSession(1))),
            ("GetSessions()", "M:" + Mgr + "GetSessions", S(fx => fx.Disposed.GetSessions())),
            ("Peer(1)", "M:" + Mgr + "Peer(System.UInt64)", S(fx => fx.Disposed.Peer(1))),
            ("SessionsOf(alice)", "M:" + Usr + "SessionsOf(", S(fx => fx.Disposed.Users.SessionsOf("alice"))),
            ("IsOnline(alice)", "M:" + Usr + "IsOnline(", S(fx => fx.Disposed.Users.IsOnline("alice"))),
            ("StorageOf(alice)", "M:" + Usr + "StorageOf(", S(fx => fx.Disposed.Users.StorageOf("alice"))),
            ("FindResource(alice, home)", "M:" + Usr + "FindResource(", S(fx => fx.Disposed.Users.FindResource("alice", "home"))),
            ("ResourcesOf(alice)", "M:" + Usr + "ResourcesOf(", S(fx => fx.Disposed.Users.ResourcesOf("alice"))),
            ("BindResourceAsync", "M:" + Usr + "BindResourceAsync(", A(fx => fx.Disposed.Users.BindResourceAsync(fx.DisposedSession, "r"))),
            ("SendToAllAsync", "M:" + Usr + "SendToAllAsync(", A(fx => fx.Disposed.Users.SendToAllAsync("alice", "m"))),
            ("SendToAvailableAsync", "M:" + Usr + "SendToAvailableAsync(", A(fx => fx.Disposed.Users.SendToAvailableAsync("alice", "m"))),
            ("SendToInterestedAsync", "M:" + Usr + "SendToInterestedAsync(", A(fx => fx.Disposed.Users.SendToInterestedAsync("alice", "m"))),
            ("CloseUserSessionsAsync", "M:" + Adm + "CloseUserSessionsAsync(", A(fx => fx.Disposed.Admin.CloseUserSessionsAsync("alice", SessionCloseReason.Kicked))),
            ("KickAsync(1)", "M:" + Adm + "KickAsync(", A(fx => fx.Disposed.Admin.KickAsync(1))),
            ("KickUserAsync(alice)", "M:" + Adm + "KickUserAsync(", A(fx => fx.Disposed.Admin.KickUserAsync("alice"))),
            ("KickAllAsync()", "M:" + Adm + "KickAllAsync(", A(fx => fx.Disposed.Admin.KickAllAsync())),
            ("ListSessions()", "M:" + Adm + "ListSessions", S(fx => fx.Disposed.Admin.ListSessions())),
        ];
        foreach (var (name, member, act) in disposed)
        {
            yield return new($"{name} on a disposed manager", member, act, typeof(ObjectDisposedException), null);
        }

        yield return new("DisposeAsync twice is a no-op", "M:" + Mgr + "DisposeAsync", V(fx => fx.Disposed.DisposeAsync()), null, null);
        yield return new("Session.CloseAsync of a disposed manager's session is a no-op", "M:SessionKit.Session.CloseAsync(", V(fx => fx.DisposedSession.CloseAsync()), null, null);
        yield return new("Session.SendAsync of a disposed manager's session returns false", "M:SessionKit.Session.SendAsync(", A(fx => fx.DisposedSession.SendAsync("m")), null, null, false);

        // ---- SessionManager: user index, resources, routing, administration ------------------------------------------
        (string Method, string Member, Func<BadInputFixture, string?, string?, Task<object?>> Call)[] userHost =
        [
            ("SessionsOf", "M:" + Usr + "SessionsOf(", (fx, u, h) => Task.FromResult<object?>(fx.M.Users.SessionsOf(u!, h))),
            ("IsOnline", "M:" + Usr + "IsOnline(", (fx, u, h) => Task.FromResult<object?>(fx.M.Users.IsOnline(u!, h))),
            ("StorageOf", "M:" + Usr + "StorageOf(", (fx, u, h) => Task.FromResult<object?>(fx.M.Users.StorageOf(u!, h))),
            ("ResourcesOf", "M:" + Usr + "ResourcesOf(", (fx, u, h) => Task.FromResult<object?>(fx.M.Users.ResourcesOf(u!, h))),
            ("FindResource", "M:" + Usr + "FindResource(", (fx, u, h) => Task.FromResult<object?>(fx.M.Users.FindResource(u!, "home", h))),
            ("SendToAllAsync", "M:" + Usr + "SendToAllAsync(", async (fx, u, h) => await fx.M.Users.SendToAllAsync(u!, "m", h)),
            ("SendToAvailableAsync", "M:" + Usr + "SendToAvailableAsync(", async (fx, u, h) => await fx.M.Users.SendToAvailableAsync(u!, "m", h)),
            ("SendToInterestedAsync", "M:" + Usr + "SendToInterestedAsync(", async (fx, u, h) => await fx.M.Users.SendToInterestedAsync(u!, "m", h)),
            ("CloseUserSessionsAsync", "M:" + Adm + "CloseUserSessionsAsync(", async (fx, u, h) => await fx.M.Admin.CloseUserSessionsAsync(u!, SessionCloseReason.Kicked, null, h)),
            ("KickUserAsync", "M:" + Adm + "KickUserAsync(", async (fx, u, h) => await fx.M.Admin.KickUserAsync(u!, null, h)),
        ];
        foreach (var (method, member, call) in userHost)
        {
            foreach (var c in Names(method, member, "user", (fx, v) => call(fx, v, null), user: true))
            {
                yield return c;
            }

            foreach (var c in Names(method, member, "host", (fx, v) => call(fx, "alice", v), hostLike: true))
            {
                yield return c;
            }
        }

        yield return new("SessionsOf(user: guest) is empty", "M:" + Usr + "SessionsOf(", S(fx => fx.M.Users.SessionsOf("guest").Count), null, null, 0);
        yield return new("SessionsOf(user: unknown) is empty", "M:" + Usr + "SessionsOf(", S(fx => fx.M.Users.SessionsOf("nobody").Count), null, null, 0);
        yield return new("StorageOf(user: offline) is null", "M:" + Usr + "StorageOf(", S(fx => fx.M.Users.StorageOf("bob")), null, null);
        foreach (var c in Names("FindResource", "M:" + Usr + "FindResource(", "resource", (fx, v) => Task.FromResult<object?>(fx.M.Users.FindResource("alice", v!))))
        {
            yield return c;
        }

        foreach (var (method, member) in new[] { ("SendToAllAsync", "SendToAllAsync("), ("SendToAvailableAsync", "SendToAvailableAsync("), ("SendToInterestedAsync", "SendToInterestedAsync(") })
        {
            yield return new($"{method}(message: null)", "M:" + Usr + member, A(fx => method switch
            {
                "SendToAllAsync" => fx.M.Users.SendToAllAsync("alice", null!),
                "SendToAvailableAsync" => fx.M.Users.SendToAvailableAsync("alice", null!),
                _ => fx.M.Users.SendToInterestedAsync("alice", null!),
            }), typeof(ArgumentNullException), "message");
        }

        yield return new("CloseUserSessionsAsync(reason: null)", "M:" + Adm + "CloseUserSessionsAsync(", A(fx => fx.M.Admin.CloseUserSessionsAsync("alice", null!)), typeof(ArgumentNullException), "reason");
        yield return new("CloseUserSessionsAsync(except: foreign)", "M:" + Adm + "CloseUserSessionsAsync(", A(fx => fx.M.Admin.CloseUserSessionsAsync("alice", SessionCloseReason.Kicked, fx.Foreign)), typeof(ArgumentException), "except");

        var bind = "M:" + Usr + "BindResourceAsync(";
        yield return new("BindResourceAsync(session: null)", bind, A(fx => fx.M.Users.BindResourceAsync(null!, "r")), typeof(ArgumentNullException), "session");
        yield return new("BindResourceAsync(session: foreign)", bind, A(fx => fx.M.Users.BindResourceAsync(fx.Foreign, "r")), typeof(ArgumentException), "session");
        foreach (var (label, value, throws) in InvalidNames.Where(n => n.Value is { Length: > 0 }))
        {
            // null and "" ask for a random resource; every other invalid name is refused.
            yield return new($"BindResourceAsync(resource: {label})", bind, A(fx => fx.M.Users.BindResourceAsync(fx.Admin, value)), throws, "resource");
        }

        yield return new("BindResourceAsync(session: guest)", bind, A(fx => fx.M.Users.BindResourceAsync(fx.Guest, "r")), typeof(ResourceBindException), null, Message: "Cannot bind resource before authentication");
        yield return new("BindResourceAsync(session: already bound)", bind, A(fx => fx.M.Users.BindResourceAsync(fx.Alice, "other")), typeof(ResourceBindException), null, Message: "Cannot bind multiple resources on a single connection");
        yield return new("BindResourceAsync(session: closed)", bind, A(fx => fx.M.Users.BindResourceAsync(fx.Closed, "r")), typeof(SessionClosedException), null);

        // ---- Session ------------------------------------------------------------------------------------------------
        yield return new("Session.SendAsync(message: null)", "M:SessionKit.Session.SendAsync(", A(fx => fx.Alice.SendAsync(null!)), typeof(ArgumentNullException), "message");
        yield return new("Session.CloseAsync(gracePeriod: -1 s)", "M:SessionKit.Session.CloseAsync(", V(fx => fx.Alice.CloseAsync(null, TimeSpan.FromSeconds(-1))), typeof(ArgumentOutOfRangeException), "gracePeriod");
        yield return new("Session.CloseAsync(gracePeriod: TimeSpan.MinValue)", "M:SessionKit.Session.CloseAsync(", V(fx => fx.Alice.CloseAsync(null, TimeSpan.MinValue)), typeof(ArgumentOutOfRangeException), "gracePeriod");
        yield return new("Session.CloseAsync of a destroyed session is a no-op", "M:SessionKit.Session.CloseAsync(", V(fx => fx.Dead.CloseAsync()), null, null);
        foreach (var priority in new[] { 128, -129, int.MaxValue, int.MinValue })
        {
            yield return new($"Session.Priority = {priority}", "P:SessionKit.Session.Priority", S(fx => fx.Alice.Priority = priority), typeof(ArgumentOutOfRangeException), "value");
        }

        yield return new("SessionScope: default(SessionScope).Dispose() is a no-op", "M:SessionKit.SessionScope.Dispose", S(_ => { default(SessionScope).Dispose(); return null; }), null, null);

        // ---- SessionStorage -----------------------------------------------------------------------------------------
        var storage = "M:SessionKit.SessionStorage.";
        yield return new("SessionStorage.Get<T>(key: null)", storage + "Get``1(", S(fx => fx.Guest.Storage.Get<int>(null!)), typeof(ArgumentNullException), "key");
        yield return new("SessionStorage.TryGet<T>(key: null SessionKey)", storage + "TryGet``1(SessionKit.SessionKey", S(fx => fx.Guest.Storage.TryGet<int>((SessionKey<int>)null!, out _)), typeof(ArgumentNullException), "key");
        yield return new("SessionStorage.Set<T>(key: null)", storage + "Set``1(", S(fx => { fx.Guest.Storage.Set<int>(null!, 1); return null; }), typeof(ArgumentNullException), "key");
        yield return new("SessionStorage.Remove<T>(key: null)", storage + "Remove``1(", S(fx => fx.Guest.Storage.Remove<int>(null!)), typeof(ArgumentNullException), "key");
        foreach (var c in Names("SessionStorage.Get", storage + "Get(System.String)", "key", (fx, v) => Task.FromResult(fx.Guest.Storage.Get(v!))))
        {
            yield return c;
        }

        foreach (var c in Names("SessionStorage.TryGet<T>", storage + "TryGet``1(System.String", "key", (fx, v) => Task.FromResult<object?>(fx.Guest.Storage.TryGet<int>(v!, out _))))
        {
            yield return c;
        }

        foreach (var c in Names("SessionStorage.Set", storage + "Set(System.String", "key", (fx, v) => { fx.Guest.Storage.Set(v!, 1); return Task.FromResult<object?>(null); }))
        {
            yield return c;
        }

        foreach (var c in Names("SessionStorage.Remove", storage + "Remove(System.String)", "key", (fx, v) => Task.FromResult<object?>(fx.Guest.Storage.Remove(v!))))
        {
            yield return c;
        }

        yield return new("SessionStorage.Set on a destroyed session", storage + "Set(System.String", S(fx => { fx.Dead.Storage.Set("k", 1); return null; }), typeof(SessionClosedException), null);
        yield return new("SessionStorage.Set<T> on a destroyed session", storage + "Set``1(", S(fx => { fx.Dead.Storage.Set(BadInputFixture.Key, 1); return null; }), typeof(SessionClosedException), null);
        yield return new("SessionStorage.Get on a destroyed session finds nothing", storage + "Get(System.String)", S(fx => fx.Dead.Storage.Get("k")), null, null);

        // ---- TriggerList --------------------------------------------------------------------------------------------
        var list = "M:SessionKit.TriggerList`1.";
        yield return new("TriggerList.Add(trigger: null)", list + "Add(System.Func", S(fx => fx.M.OnConnect.Add(null!)), typeof(ArgumentNullException), "trigger");
        yield return new("TriggerList.Add(name, trigger: null)", list + "Add(System.String", S(fx => fx.M.OnConnect.Add("x", null!)), typeof(ArgumentNullException), "trigger");
        foreach (var c in Names("TriggerList.Add", list + "Add(System.String", "name", (fx, v) => Task.FromResult<object?>(fx.M.OnConnect.Add(v!, fx.Absent))))
        {
            yield return c;
        }

        foreach (var c in Names("TriggerList<int>.Add", list + "Add(System.String", "name", (fx, v) => Task.FromResult<object?>(fx.Standalone.Add(v!, _ => ValueTask.CompletedTask))))
        {
            yield return c;
        }

        yield return new("TriggerList.Replace(oldTrigger: null)", list + "Replace(", S(fx => fx.M.OnConnect.Replace(null!, fx.Absent)), typeof(ArgumentNullException), "oldTrigger");
        yield return new("TriggerList.Replace(newTrigger: null)", list + "Replace(", S(fx => fx.M.OnConnect.Replace(fx.Unnamed, null!)), typeof(ArgumentNullException), "newTrigger");
        yield return new("TriggerList.Replace(oldTrigger: absent)", list + "Replace(", S(fx => fx.M.OnConnect.Replace(fx.Absent, fx.Unnamed)), typeof(TriggerNotFoundException), null, Message: TriggerNotFoundException.DefaultMessage);
        yield return new("TriggerList.Replace(oldTrigger: registered by name only)", list + "Replace(", S(fx => fx.M.OnConnect.Replace(fx.NamedOnly, fx.Absent)), typeof(TriggerNotFoundException), null, Message: TriggerNotFoundException.DefaultMessage);
        yield return new("TriggerList.Remove(trigger: null)", list + "Remove(System.Func", S(fx => { fx.M.OnConnect.Remove((Func<SessionTriggerContext, ValueTask>)null!); return null; }), typeof(ArgumentNullException), "trigger");
        yield return new("TriggerList.Remove(trigger: absent)", list + "Remove(System.Func", S(fx => { fx.M.OnConnect.Remove(fx.Absent); return null; }), typeof(TriggerNotFoundException), null, Message: TriggerNotFoundException.DefaultMessage);
        yield return new("TriggerList.Remove(trigger: registered by name only)", list + "Remove(System.Func", S(fx => { fx.M.OnConnect.Remove(fx.NamedOnly); return null; }), typeof(TriggerNotFoundException), null);
        yield return new("TriggerList<int>.Remove(trigger: absent)", list + "Remove(System.Func", S(fx => { fx.Standalone.Remove(_ => ValueTask.CompletedTask); return null; }), typeof(TriggerNotFoundException), null);
        foreach (var c in Names("TriggerList.Remove", list + "Remove(System.String)", "name", (fx, v) => Task.FromResult<object?>(fx.M.OnConnect.Remove(v!))))
        {
            yield return c;
        }

        yield return new("TriggerList.Remove(name: absent) is false", list + "Remove(System.String)", S(fx => fx.M.OnConnect.Remove("absent")), null, null, false);
        foreach (var (label, lists) in new (string, Func<BadInputFixture, object>)[]
        {
            ("OnAuth", fx => fx.M.OnAuth.Add(null!)),
            ("OnDisconnect", fx => fx.M.OnDisconnect.Add(null!)),
            ("OnAccessDenied", fx => fx.M.OnAccessDenied.Add(null!)),
            ("OnPreResourceBind", fx => fx.M.Users.OnPreResourceBind.Add(null!)),
            ("OnResourceBind", fx => fx.M.Users.OnResourceBind.Add(null!)),
            ("OnResourceUnbind", fx => fx.M.Users.OnResourceUnbind.Add(null!)),
            ("OnSessionClosing", fx => fx.M.Admin.OnSessionClosing.Add(null!)),
            ("OnSessionEvicted", fx => fx.M.Users.OnSessionEvicted.Add(null!)),
            ("OnUserOnline", fx => fx.M.Users.OnUserOnline.Add(null!)),
            ("OnUserOffline", fx => fx.M.Users.OnUserOffline.Add(null!)),
            ("disposed manager's OnConnect", fx => fx.Disposed.OnConnect.Add(null!)),
        })
        {
            yield return new($"{label}.Add(trigger: null)", list + "Add(System.Func", S(fx => lists(fx)), typeof(ArgumentNullException), "trigger");
        }

        // ---- value types and small classes ----------------------------------------------------------------------------
        (string Label, string? Value, Type Throws)[] badTypes =
        [
            ("null", null, typeof(ArgumentNullException)),
            ("empty", string.Empty, typeof(ArgumentException)),
            ("whitespace", "   ", typeof(ArgumentException)),
            ("leading digit", "1abc", typeof(ArgumentException)),
            ("space inside", "a b", typeof(ArgumentException)),
            ("control character", "a\u0001", typeof(ArgumentException)),
            ("non-ASCII letter", "caf\u00e9", typeof(ArgumentException)),
            ("65 characters", "a" + new string('b', 64), typeof(ArgumentException)),
            ("64 KiB", new string('x', 64 * 1024), typeof(ArgumentException)),
        ];
        foreach (var (label, value, throws) in badTypes)
        {
            yield return new($"new SessionType(name: {label})", "M:SessionKit.SessionType.#ctor(", S(_ => new SessionType(value!)), throws, "name");
            yield return new($"SessionType.TryCreate(name: {label}) is false", "M:SessionKit.SessionType.TryCreate(", S(_ => SessionType.TryCreate(value, out var t) || t != default), null, null, false);
        }

        foreach (var (label, value, throws) in InvalidNames.Take(3))
        {
            yield return new($"new SessionKey<T>(name: {label})", "M:SessionKit.SessionKey`1.#ctor(", S(_ => new SessionKey<int>(value!)), throws, "name");
            yield return new($"new SessionCloseReason(condition: {label})", "M:SessionKit.SessionCloseReason.#ctor(", S(_ => new SessionCloseReason(value!)), throws, "condition");
        }

        foreach (var c in Names("new SessionUser", "M:SessionKit.SessionUser.#ctor(", "name", (_, v) => Task.FromResult<object?>(new SessionUser(5, v!)), user: true))
        {
            yield return c;
        }

        // ---- InMemoryUserDirectory ---------------------------------------------------------------------------------
        var dir = "M:SessionKit.InMemoryUserDirectory.";
        foreach (var iterations in new[] { InMemoryUserDirectory.MinimumIterations - 1, 0, -1, int.MinValue })
        {
            yield return new($"new InMemoryUserDirectory(iterations: {iterations})", dir + "#ctor(", S(_ => new InMemoryUserDirectory(iterations)), typeof(ArgumentOutOfRangeException), "iterations");
        }

        var users = (Func<BadInputFixture, InMemoryUserDirectory>)(_ => BadInputFixture.Users);
        foreach (var c in Names("InMemoryUserDirectory.AddUser", dir + "AddUser(", "name", (fx, v) => Task.FromResult<object?>(users(fx).AddUser(v!, "pw")), user: true))
        {
            yield return c;
        }

        yield return new("InMemoryUserDirectory.AddUser(name: taken)", dir + "AddUser(", S(fx => users(fx).AddUser("alice", "other")), typeof(ArgumentException), "name");
        yield return new("InMemoryUserDirectory.AddUser(name: guest)", dir + "AddUser(", S(fx => users(fx).AddUser("guest", "other")), typeof(ArgumentException), "name");
        yield return new("InMemoryUserDirectory.AddUser(password: null)", dir + "AddUser(", S(fx => users(fx).AddUser("carol", null!)), typeof(ArgumentNullException), "password");
        foreach (var c in Names("InMemoryUserDirectory.SetPassword", dir + "SetPassword(", "name", (fx, v) => { users(fx).SetPassword(v!, "pw"); return Task.FromResult<object?>(null); }, user: true))
        {
            yield return c;
        }

        yield return new("InMemoryUserDirectory.SetPassword(name: unknown)", dir + "SetPassword(", S(fx => { users(fx).SetPassword("nobody", "pw"); return null; }), typeof(UserNotFoundException), null);
        yield return new("InMemoryUserDirectory.SetPassword(password: null)", dir + "SetPassword(", S(fx => { users(fx).SetPassword("alice", null!); return null; }), typeof(ArgumentNullException), "password");
        foreach (var c in Names("InMemoryUserDirectory.SetMayConnect", dir + "SetMayConnect(", "name", (fx, v) => { users(fx).SetMayConnect(v!, false); return Task.FromResult<object?>(null); }, user: true))
        {
            yield return c;
        }

        yield return new("InMemoryUserDirectory.SetMayConnect(name: unknown)", dir + "SetMayConnect(", S(fx => { users(fx).SetMayConnect("nobody", false); return null; }), typeof(UserNotFoundException), null);
        foreach (var c in Names("InMemoryUserDirectory.RemoveUser", dir + "RemoveUser(", "name", (fx, v) => Task.FromResult<object?>(users(fx).RemoveUser(v!)), user: true))
        {
            yield return c;
        }

        yield return new("InMemoryUserDirectory.RemoveUser(name: guest)", dir + "RemoveUser(", S(fx => users(fx).RemoveUser("guest")), typeof(ArgumentException), "name");
        yield return new("InMemoryUserDirectory.RemoveUser(name: admin)", dir + "RemoveUser(", S(fx => users(fx).RemoveUser("admin")), typeof(ArgumentException), "name");
        yield return new("InMemoryUserDirectory.RemoveUser(name: unknown) is false", dir + "RemoveUser(", S(fx => users(fx).RemoveUser("nobody")), null, null, false);
        yield return new("InMemoryUserDirectory.TryFindUser(name: null)", dir + "TryFindUser(", S(fx => users(fx).TryFindUser(null!, out _)), typeof(ArgumentNullException), "name");
        yield return new("InMemoryUserDirectory.TryFindUser(name: empty) is false", dir + "TryFindUser(", S(fx => users(fx).TryFindUser(string.Empty, out _)), null, null, false);
        yield return new("InMemoryUserDirectory.VerifyAsync(name: null)", dir + "VerifyAsync(", A(fx => users(fx).VerifyAsync(null!, "pw")), typeof(ArgumentNullException), "name");
        yield return new("InMemoryUserDirectory.VerifyAsync(password: null)", dir + "VerifyAsync(", A(fx => users(fx).VerifyAsync("alice", null!)), typeof(ArgumentNullException), "password");
        yield return new("InMemoryUserDirectory.VerifyAsync(name: 64 KiB) is null", dir + "VerifyAsync(", A(fx => users(fx).VerifyAsync(new string('x', 64 * 1024), "pw")), null, null);
        yield return new("InMemoryUserDirectory.MayConnect(user: null)", dir + "MayConnect(", S(fx => users(fx).MayConnect(null!)), typeof(ArgumentNullException), "user");
        yield return new("InMemoryUserDirectory.MayConnect(user: same name, other id) is false", dir + "MayConnect(", S(fx => users(fx).MayConnect(new SessionUser(999, "alice"))), null, null, false);
    }

    private static async Task<object?> InScope(BadInputFixture fx, Session session, Action call)
    {
        await Task.Yield();
        using (fx.M.Enter(session))
        {
            call();
        }

        return null;
    }
}
