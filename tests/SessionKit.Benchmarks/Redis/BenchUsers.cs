using SessionKit.Benchmarks.Support;

namespace SessionKit.Benchmarks.Redis;

/// <summary>Looks users up in a <see cref="FastUserDirectory"/> for pre-authenticated connects.</summary>
internal sealed class BenchUsers(FastUserDirectory directory)
{
    public SessionUser User(string name) => directory.TryFindUser(name, out var user) ? user : throw new ArgumentException(name);
}
