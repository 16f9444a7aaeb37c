using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging.Testing;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Conformance.Tests.SessionKitSide;

/// <summary>
/// The SessionKit side of a scenario: a <see cref="SessionManager"/> with the same users as server.lua (admin/adminpw,
/// alice/secret, test2 with an empty password, nosess that may not connect), triggers that record the same fields as server.lua's <c>record</c>, and
/// a host that drives the manager the way Tarantool's IPROTO layer drives <c>box.session</c> for a net.box client.
/// </summary>
internal sealed class SessionKitServer : IAsyncDisposable
{
    /// <summary>net.box sends AUTH as the connection's first request, so its sync is 1 (Tarantool reports it in on_auth).</summary>
    public const ulong NetBoxAuthSync = 1;

    private static readonly Lazy<InMemoryUserDirectory> SharedUsers = new(() =>
    {
        var users = new InMemoryUserDirectory();
        users.SetPassword("admin", "adminpw");
        users.AddUser("alice", "secret");
        users.AddUser("test2", string.Empty);
        users.AddUser("nosess", "secret", mayConnect: false);
        return users;
    });

    private readonly ConcurrentQueue<TriggerEvent> _events = new();
    private readonly ConcurrentDictionary<Delegate, string> _labels = new(ReferenceEqualityComparer.Instance);
    private int _nextPort = 50000;

    public SessionKitServer() => Manager = new SessionManager(null, SharedUsers.Value, Logs.CreateFactory());

    public FakeLoggerProvider Logs { get; } = new();

    public SessionManager Manager { get; }

    public IReadOnlyList<TriggerEvent> Events => _events.ToArray();

    /// <summary>Records what the ambient context shows right now, like server.lua's <c>record</c>.</summary>
    public void Record(string list, string label, params string?[] args)
    {
        var m = Manager;
        var current = m.Current;
        _events.Enqueue(new TriggerEvent(
            list,
            label,
            m.Id,
            m.User,
            m.EffectiveUser,
            m.Type.Name,
            m.Sync,
            m.Peer(),
            current?.Storage.Get("mark") as string,
            m.Exists(),
            args));
    }

    /// <summary>An on_connect or on_disconnect trigger, like server.lua's <c>rec(list, label, fail)</c>.</summary>
    public Func<SessionTriggerContext, ValueTask> Rec(string list, string label, string? fail = null) => Label<SessionTriggerContext>(label, _ =>
    {
        Record(list, label);
        return fail is null ? default : throw new LuaError(fail);
    });

    public Func<AuthTriggerContext, ValueTask> RecAuth(string label, string? fail = null) => Label<AuthTriggerContext>(label, context =>
    {
        Record("on_auth", label, context.UserName, context.Succeeded ? "true" : "false");
        return fail is null ? default : throw new LuaError(fail);
    });

    public Func<AccessDeniedTriggerContext, ValueTask> RecAccessDenied(string label, string? fail = null) => Label<AccessDeniedTriggerContext>(label, context =>
    {
        Record("on_access_denied", label, context.Access, context.ObjectType, context.ObjectName);
        return fail is null ? default : throw new LuaError(fail);
    });

    /// <summary>Gives a delegate made elsewhere a label for <see cref="Listing{T}"/>.</summary>
    public Func<T, ValueTask> Label<T>(string label, Func<T, ValueTask> trigger)
    {
        _labels[trigger] = label;
        return trigger;
    }

    /// <summary>The list in enumeration order, as labels.</summary>
    public IReadOnlyList<string> Listing<T>(TriggerList<T> list) =>
        list.Select(info => _labels.TryGetValue(info.Handler, out var label) ? label : "?").ToArray();

    /// <summary>
    /// What the host does for a new net.box connection: connect (on_connect runs; an error is sent to the client and
    /// the session is already closed), then authenticate in the AUTH request's scope when credentials were given
    /// (net.box treats an AUTH error as fatal and closes the connection, so the host disconnects).
    /// </summary>
    public async Task<SessionKitClient> ConnectAsync(string? user = null, string? password = null, EndPoint? peer = null)
    {
        peer ??= new IPEndPoint(IPAddress.Loopback, Interlocked.Increment(ref _nextPort));
        Session session;
        try
        {
            session = await Manager.ConnectAsync(SessionType.Binary, peer);
        }
        catch (Exception ex)
        {
            return new SessionKitClient(this, null, ex);
        }

        if (user is not null)
        {
            try
            {
                using (Manager.Enter(session, NetBoxAuthSync))
                {
                    await Manager.AuthenticateAsync(session, user, password ?? string.Empty);
                }
            }
            catch (Exception ex)
            {
                await Manager.DisconnectAsync(session);
                return new SessionKitClient(this, session, ex);
            }
        }

        return new SessionKitClient(this, session, null);
    }

    public async ValueTask DisposeAsync() => await Manager.DisposeAsync();
}

/// <summary>An error raised by a trigger, like Lua's <c>error(msg, 0)</c>.</summary>
internal sealed class LuaError(string message) : Exception(message);

/// <summary>The host's side of one client connection.</summary>
internal sealed class SessionKitClient(SessionKitServer server, Session? session, Exception? error)
{
    /// <summary>Gets the session, or null when on_connect refused the connection.</summary>
    public Session? Session { get; } = session;

    /// <summary>Gets <c>active</c> or <c>error</c>, as net.box's <c>conn.state</c>.</summary>
    public string State => Error is null ? "active" : "error";

    /// <summary>Gets the error the client was sent, if any.</summary>
    public Exception? Error { get; } = error;

    /// <summary>Runs one request in the session with the request's sync, as the host does for each IPROTO packet.</summary>
    public T Request<T>(ulong sync, Func<SessionManager, T> body)
    {
        using (server.Manager.Enter(Session!, sync))
        {
            return body(server.Manager);
        }
    }

    /// <summary>The client hangs up.</summary>
    public async Task CloseAsync()
    {
        if (Session is not null)
        {
            await server.Manager.DisconnectAsync(Session);
        }
    }
}
