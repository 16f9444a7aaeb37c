using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using SessionKit.Benchmarks.Support;

namespace SessionKit.Benchmarks.Benchmarks;

/// <summary>
/// <c>AuthenticateAsync</c> with the default <see cref="InMemoryUserDirectory"/> (salted PBKDF2-SHA256,
/// <see cref="InMemoryUserDirectory.MinimumIterations"/> iterations): slow by design, measured separately and
/// reported only. The baseline is one raw PBKDF2 derivation with the same parameters, so the ratio shows what
/// SessionKit adds around the hash (it should be ~1.0).
/// </summary>
public class Pbkdf2AuthenticateBenchmarks
{
    private readonly byte[] _salt = RandomNumberGenerator.GetBytes(16);
    private SessionManager _manager = null!;
    private Session _session = null!;

    [GlobalSetup]
    public void Setup()
    {
        var users = new InMemoryUserDirectory();
        users.AddUser("alice", "secret");
        _manager = new SessionManager(directory: users);
        _session = Wait.For(_manager.ConnectAsync(SessionType.Binary));
    }

    [GlobalCleanup]
    public void Cleanup() => _manager.Dispose();

    [Benchmark(Baseline = true)]
    public byte[] Pbkdf2_Derive() =>
        Rfc2898DeriveBytes.Pbkdf2("secret", _salt, InMemoryUserDirectory.MinimumIterations, HashAlgorithmName.SHA256, 32);

    [Benchmark]
    public SessionUser Authenticate_Pbkdf2() => Wait.For(_manager.AuthenticateAsync(_session, "alice", "secret"));
}
