using System.Collections.Concurrent;

namespace SessionKit.Samples.TarantoolServer.Requests;

/// <summary>
/// What the session triggers saw, one line per run in the format the differential test's reference Tarantool writes
/// (<c>trigger_events()</c> returns it), plus the connect and disconnect counts the fuzz test checks.
/// </summary>
public sealed class TriggerLog
{
    private readonly ConcurrentQueue<string> _lines = new();
    private long _connects;
    private long _disconnects;

    /// <summary>Gets how many <c>on_connect</c> runs happened.</summary>
    public long Connects => Interlocked.Read(ref _connects);

    /// <summary>Gets how many <c>on_disconnect</c> runs happened.</summary>
    public long Disconnects => Interlocked.Read(ref _disconnects);

    /// <summary>Records an <c>on_connect</c> run.</summary>
    /// <param name="sessions">The manager, whose ambient members answer for the trigger's session.</param>
    public void Connected(SessionManager sessions)
    {
        Interlocked.Increment(ref _connects);
        _lines.Enqueue($"on_connect sid:{sessions.Id} {sessions.User} {sessions.EffectiveUser} {sessions.Type} sync={sessions.Sync} peer={sessions.Peer() ?? "nil"}");
    }

    /// <summary>Records an <c>on_auth</c> run.</summary>
    /// <param name="sessions">The manager.</param>
    /// <param name="name">The user name as sent.</param>
    /// <param name="ok">Whether the credentials were valid.</param>
    public void Authenticated(SessionManager sessions, string name, bool ok) =>
        _lines.Enqueue($"on_auth sid:{sessions.Id} {sessions.User} {sessions.EffectiveUser} name={name} ok={(ok ? "true" : "false")} sync={sessions.Sync}");

    /// <summary>Records an <c>on_disconnect</c> run.</summary>
    /// <param name="sessions">The manager.</param>
    public void Disconnected(SessionManager sessions)
    {
        _lines.Enqueue($"on_disconnect sid:{sessions.Id} {sessions.User} {sessions.EffectiveUser} sync={sessions.Sync} peer={sessions.Peer() ?? "nil"}");
        Interlocked.Increment(ref _disconnects);
    }

    /// <summary>Returns the lines so far, oldest first.</summary>
    /// <returns>The lines.</returns>
    public IReadOnlyList<string> Snapshot() => _lines.ToArray();
}
