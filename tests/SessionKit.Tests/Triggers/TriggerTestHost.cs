using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging.Testing;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Triggers;

/// <summary>What a trigger saw of the ambient context when it ran.</summary>
internal sealed record ContextSeen(
    string Trigger,
    Session? Current,
    ulong Id,
    string User,
    string EffectiveUser,
    ulong Uid,
    ulong Euid,
    ulong Sync,
    string Type,
    string? Peer,
    bool Exists,
    bool ExistsById);

/// <summary>
/// A manager with the users the trigger tests need (alice/secret, bob/secret, nosess that may not connect), an
/// in-memory log, and helpers that record what each trigger saw.
/// </summary>
internal sealed class TriggerTestHost : IAsyncDisposable
{
    public static readonly IPEndPoint ClientPeer = new(IPAddress.Loopback, 40123);

    private readonly ConcurrentQueue<ContextSeen> _seen = new();

    /// <param name="logging">
    /// Whether the manager logs. With a logger every trigger run goes through the async path that opens a logging
    /// scope; without one, runs of synchronous triggers stay synchronous, so both paths need the context tests.
    /// </param>
    public TriggerTestHost(bool logging = true)
    {
        Users.Add("alice", "secret");
        Users.Add("bob", "secret");
        Users.Add("nosess", "secret", mayConnect: false);
        Manager = new SessionManager(null, Users, logging ? Logs.CreateFactory() : null);
    }

    public FastUserDirectory Users { get; } = new();

    public FakeLoggerProvider Logs { get; } = new();

    public SessionManager Manager { get; }

    public IReadOnlyList<ContextSeen> Seen => _seen.ToArray();

    public IEnumerable<string> Ran => Seen.Select(s => s.Trigger);

    /// <summary>Records what the ambient context looks like right now, under <paramref name="trigger"/>.</summary>
    public void Record(string trigger)
    {
        var m = Manager;
        var id = m.Id;
        _seen.Enqueue(new ContextSeen(trigger, m.Current, id, m.User, m.EffectiveUser, m.Uid, m.Euid, m.Sync, m.Type.Name, m.Peer(), m.Exists(), id != 0 && m.Exists(id)));
    }

    public Func<SessionTriggerContext, ValueTask> SessionTrigger(string label, Exception? error = null) => _ =>
    {
        Record(label);
        return error is null ? default : throw error;
    };

    public Func<AuthTriggerContext, ValueTask> AuthTrigger(string label, Exception? error = null, List<(string User, bool Ok)>? args = null) => context =>
    {
        Record(label);
        args?.Add((context.UserName, context.Succeeded));
        return error is null ? default : throw error;
    };

    public Func<AccessDeniedTriggerContext, ValueTask> AccessDeniedTrigger(string label, Exception? error = null, List<AccessDeniedTriggerContext>? args = null) => context =>
    {
        Record(label);
        args?.Add(context);
        return error is null ? default : throw error;
    };

    public ValueTask<Session> ConnectAsync() => Manager.ConnectAsync(SessionType.Binary, ClientPeer);

    public IReadOnlyList<FakeLogRecord> LogsWithEvent(int eventId) => Logs.Collector.GetSnapshot().Where(r => r.Id.Id == eventId).ToArray();

    public async ValueTask DisposeAsync() => await Manager.DisposeAsync();
}
