using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using SessionKit.Benchmarks.Support;

namespace SessionKit.Benchmarks.Benchmarks;

/// <summary>
/// Session storage with a typed key, against a <see cref="Dictionary{TKey, TValue}"/> lookup / store under a
/// <see cref="Lock"/>; get and set each have their own baseline (categories). Budget: ratio ≤ 2, 0 B for get.
/// The value is a reference type, so neither side boxes.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class StorageBenchmarks
{
    private static readonly SessionKey<string> Key = new("nick");

    private readonly Lock _lock = new();
    private readonly Dictionary<object, object?> _dictionary = [];
    private readonly object _floorKey = new();
    private readonly string _value = "juliet";
    private SessionManager _manager = null!;
    private Session _session = null!;

    [GlobalSetup]
    public void Setup()
    {
        _manager = new SessionManager(directory: new FastUserDirectory());
        _session = Wait.For(_manager.ConnectAsync(SessionType.Binary));
        _session.Storage.Set(Key, _value);
        _dictionary[_floorKey] = _value;
    }

    [GlobalCleanup]
    public void Cleanup() => _manager.Dispose();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Get")]
    public object? Dictionary_LockedLookup()
    {
        lock (_lock)
        {
            return _dictionary.TryGetValue(_floorKey, out var value) ? value : null;
        }
    }

    [Benchmark]
    [BenchmarkCategory("Get")]
    public string? Storage_Get() => _session.Storage.Get(Key);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Set")]
    public void Dictionary_LockedStore()
    {
        lock (_lock)
        {
            _dictionary[_floorKey] = _value;
        }
    }

    [Benchmark]
    [BenchmarkCategory("Set")]
    public void Storage_Set() => _session.Storage.Set(Key, _value);
}
