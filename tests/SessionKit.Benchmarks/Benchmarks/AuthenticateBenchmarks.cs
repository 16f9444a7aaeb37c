using BenchmarkDotNet.Attributes;
using SessionKit.Benchmarks.Support;

namespace SessionKit.Benchmarks.Benchmarks;

/// <summary>
/// <c>AuthenticateAsync</c> with a verifier that returns at once (<see cref="FastUserDirectory"/>): report only. The
/// baseline is a guest connect + disconnect, so the first row's ratio minus one is what authenticating a new
/// connection adds; the second row is a re-authentication of a live session (the user does not change).
/// The user keeps one more session open throughout, so the rows measure a user already online (no user-index entry is
/// created or dropped per operation).
/// </summary>
public class AuthenticateBenchmarks
{
    private SessionManager _manager = null!;
    private Session _live = null!;

    [GlobalSetup]
    public void Setup()
    {
        _manager = new SessionManager(directory: new FastUserDirectory("alice"));
        Wait.For(_manager.ConnectAsync(new ConnectOptions { User = "alice" }));
        _live = Wait.For(_manager.ConnectAsync(SessionType.Binary));
        Wait.For(_manager.AuthenticateAsync(_live, "alice", "secret"));
    }

    [GlobalCleanup]
    public void Cleanup() => _manager.Dispose();

    [Benchmark(Baseline = true)]
    public Session ConnectDisconnect()
    {
        var session = Wait.For(_manager.ConnectAsync(SessionType.Binary));
        Wait.For(_manager.DisconnectAsync(session));
        return session;
    }

    [Benchmark]
    public Session ConnectAuthenticateDisconnect()
    {
        var session = Wait.For(_manager.ConnectAsync(SessionType.Binary));
        Wait.For(_manager.AuthenticateAsync(session, "alice", "secret"));
        Wait.For(_manager.DisconnectAsync(session));
        return session;
    }

    [Benchmark]
    public SessionUser ReAuthenticate() => Wait.For(_manager.AuthenticateAsync(_live, "alice", "secret"));
}
