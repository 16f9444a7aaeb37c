using System.Globalization;
using System.Text;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Reliability.Tests.BadInput;

/// <summary>
/// What every bad-input case runs against, built fresh per case: a manager with sessions in every state (guest, user
/// with a bound resource, admin, closed with a request still running, destroyed), stored values, a named and an unnamed
/// trigger in each of its eleven lists; a second manager (foreign sessions); a disposed manager. <see cref="Snapshot"/>
/// renders everything a bad call must leave alone.
/// </summary>
public sealed class BadInputFixture : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";

    public static readonly SessionKey<int> Key = new("typed");

    private static readonly Lazy<InMemoryUserDirectory> SharedUsers = new(() =>
    {
        var users = new InMemoryUserDirectory();
        users.AddUser("alice", Password);
        users.AddUser("bob", Password);
        users.AddUser("locked", Password, mayConnect: false);
        return users;
    });

    private SessionScope _held;

    private BadInputFixture()
    {
    }

    public static InMemoryUserDirectory Users => SharedUsers.Value;

    public SessionManager M { get; } = new(directory: SharedUsers.Value);

    public SessionManager Other { get; } = new(directory: new FastUserDirectory());

    public SessionManager Disposed { get; } = new(directory: new FastUserDirectory());

    public Session Guest { get; private set; } = null!;

    public Session Alice { get; private set; } = null!;

    public Session Admin { get; private set; } = null!;

    /// <summary>Gets a session that is closed but not destroyed (a request scope still holds it).</summary>
    public Session Closed { get; private set; } = null!;

    public Session Dead { get; private set; } = null!;

    public Session Foreign { get; private set; } = null!;

    public Session DisposedSession { get; private set; } = null!;

    /// <summary>Gets an unnamed trigger registered in OnConnect.</summary>
    public Func<SessionTriggerContext, ValueTask> Unnamed { get; } = _ => ValueTask.CompletedTask;

    /// <summary>Gets a trigger registered in OnConnect under the name "n" only.</summary>
    public Func<SessionTriggerContext, ValueTask> NamedOnly { get; } = _ => ValueTask.CompletedTask;

    /// <summary>Gets a trigger registered nowhere.</summary>
    public Func<SessionTriggerContext, ValueTask> Absent { get; } = _ => ValueTask.CompletedTask;

    public TriggerList<int> Standalone { get; } = new();

    public Func<int, ValueTask> StandaloneTrigger { get; } = _ => ValueTask.CompletedTask;

    public static async Task<BadInputFixture> CreateAsync()
    {
        var fx = new BadInputFixture();
        await fx.InitializeAsync();
        return fx;
    }

    private async Task InitializeAsync()
    {
        AddTriggers(M);
        AddTriggers(Disposed);
        Standalone.Add(StandaloneTrigger);
        Standalone.Add("n", StandaloneTrigger);

        Guest = await M.ConnectAsync(SessionType.Binary);
        Guest.Storage.Set("k", 1);
        Guest.Storage.Set(Key, 5);
        Alice = await M.ConnectAsync(new ConnectOptions { User = "alice", Connection = new RecordingConnection() });
        await M.Users.BindResourceAsync(Alice, "home");
        Alice.Storage.Set("a", "alice's");
        M.Users.StorageOf("alice")!.Set("shared", 7);
        Admin = await M.ConnectAsync(new ConnectOptions { User = "admin" });
        Closed = await M.ConnectAsync(SessionType.Console);
        Closed.Storage.Set("c", 3);
        _held = EnterElsewhere(M, Closed);
        await M.DisconnectAsync(Closed);
        Dead = await M.ConnectAsync(SessionType.Binary);
        await M.DisconnectAsync(Dead);

        Foreign = await Other.ConnectAsync(SessionType.Binary);
        Foreign.Storage.Set("f", 1);
        DisposedSession = await Disposed.ConnectAsync(SessionType.Binary);
        await Disposed.DisposeAsync();
    }

    /// <summary>Enters a request scope in a flow of its own, so the test's flow has no current session.</summary>
    private static SessionScope EnterElsewhere(SessionManager manager, Session session)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(() => manager.Enter(session, 99)).GetAwaiter().GetResult();
        }
    }

    private void AddTriggers(SessionManager m)
    {
        m.OnConnect.Add(Unnamed);
        m.OnConnect.Add("n", NamedOnly);
        m.OnAuth.Add(_ => ValueTask.CompletedTask);
        m.OnAuth.Add("n", _ => ValueTask.CompletedTask);
        m.OnDisconnect.Add(_ => ValueTask.CompletedTask);
        m.OnDisconnect.Add("n", _ => ValueTask.CompletedTask);
        m.OnAccessDenied.Add(_ => ValueTask.CompletedTask);
        m.OnAccessDenied.Add("n", _ => ValueTask.CompletedTask);
        m.Users.OnPreResourceBind.Add(_ => ValueTask.CompletedTask);
        m.Users.OnPreResourceBind.Add("n", _ => ValueTask.CompletedTask);
        m.Users.OnResourceBind.Add(_ => ValueTask.CompletedTask);
        m.Users.OnResourceBind.Add("n", _ => ValueTask.CompletedTask);
        m.Users.OnResourceUnbind.Add(_ => ValueTask.CompletedTask);
        m.Users.OnResourceUnbind.Add("n", _ => ValueTask.CompletedTask);
        m.Admin.OnSessionClosing.Add(_ => ValueTask.CompletedTask);
        m.Admin.OnSessionClosing.Add("n", _ => ValueTask.CompletedTask);
        m.Users.OnSessionEvicted.Add(_ => ValueTask.CompletedTask);
        m.Users.OnSessionEvicted.Add("n", _ => ValueTask.CompletedTask);
        m.Users.OnUserOnline.Add(_ => ValueTask.CompletedTask);
        m.Users.OnUserOnline.Add("n", _ => ValueTask.CompletedTask);
        m.Users.OnUserOffline.Add(_ => ValueTask.CompletedTask);
        m.Users.OnUserOffline.Add("n", _ => ValueTask.CompletedTask);
    }

    /// <summary>Renders the registry, the user index, every trigger list, the users and every storage.</summary>
    public string Snapshot()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"count {M.Count}");
        foreach (var s in M.GetSessions())
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"session {s.Id} {s.State} {s.User.Name} {s.Type} {s.Resource} {s.Priority}");
        }

        foreach (var s in new[] { Guest, Alice, Admin, Closed, Dead, Foreign, DisposedSession })
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"held {s.Manager.GetHashCode()}/{s.Id} {s.State} {s.User.Name} storage {Render(s.Storage)}");
        }

        foreach (var user in new[] { "alice", "bob", "admin", "guest", "locked" })
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"of {user}: [{string.Join(",", M.Users.SessionsOf(user).Select(s => s.Id))}] online {M.Users.IsOnline(user)} resources [{string.Join(",", M.Users.ResourcesOf(user).Select(r => $"{r.Key}={r.Value.Id}"))}] shared {(M.Users.StorageOf(user) is { } st ? Render(st) : "none")}");
        }

        sb.AppendLine(CultureInfo.InvariantCulture, $"other count {Other.Count} [{string.Join(",", Other.GetSessions().Select(s => s.Id))}]");
        Triggers(sb, "M", M);
        Triggers(sb, "Disposed", Disposed);
        sb.AppendLine("standalone " + Render(Standalone));
        foreach (var u in Users.Users)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"user {u.Id} {u.Name} may-connect {Users.MayConnect(u)}");
        }

        return sb.ToString();
    }

    private static void Triggers(StringBuilder sb, string label, SessionManager m)
    {
        sb.AppendLine($"{label} on_connect {Render(m.OnConnect)}");
        sb.AppendLine($"{label} on_auth {Render(m.OnAuth)}");
        sb.AppendLine($"{label} on_disconnect {Render(m.OnDisconnect)}");
        sb.AppendLine($"{label} on_access_denied {Render(m.OnAccessDenied)}");
        sb.AppendLine($"{label} on_pre_resource_bind {Render(m.Users.OnPreResourceBind)}");
        sb.AppendLine($"{label} on_resource_bind {Render(m.Users.OnResourceBind)}");
        sb.AppendLine($"{label} on_resource_unbind {Render(m.Users.OnResourceUnbind)}");
        sb.AppendLine($"{label} on_session_closing {Render(m.Admin.OnSessionClosing)}");
        sb.AppendLine($"{label} on_session_evicted {Render(m.Users.OnSessionEvicted)}");
        sb.AppendLine($"{label} on_user_online {Render(m.Users.OnUserOnline)}");
        sb.AppendLine($"{label} on_user_offline {Render(m.Users.OnUserOffline)}");
    }

    private static string Render<T>(TriggerList<T> list) =>
        $"{list.Count}: " + string.Join(",", list.Select(t => $"{t.Name ?? "-"}/{t.Handler.GetHashCode()}"));

    private static string Render(SessionStorage storage) =>
        $"{storage.Count} [{string.Join(",", storage.GetStringKeys().Order(StringComparer.Ordinal).Select(k => $"{k}={storage.Get(k)}"))}] typed {storage.Get(Key)}";

    public async ValueTask DisposeAsync()
    {
        _held.Dispose();
        await M.DisposeAsync();
        await Other.DisposeAsync();
    }
}
