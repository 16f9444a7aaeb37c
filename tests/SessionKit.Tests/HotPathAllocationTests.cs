using FluentAssertions;
using SessionKit.Tests.TestSupport;
using Xunit;

namespace SessionKit.Tests;

/// <summary>
/// The "0 B" rows of the benchmark budgets (docs/benchmarks.md), held as tests: each measures the bytes this thread
/// allocates over 1,000 operations after a warm-up, so a closure or a boxed value that sneaks into a hot path fails here
/// instead of waiting for the next benchmark run. No timing is measured.
/// </summary>
public sealed class HotPathAllocationTests
{
    private const int Rounds = 1_000;
    private static readonly SessionKey<int> Counter = new("counter");

    [Fact]
    public async Task Disconnect_OfASessionWithoutTriggersOrResource_AllocatesNothing()
    {
        await using var sessions = new SessionManager(directory: new FastUserDirectory());
        var batch = new Session[Rounds * 2];
        for (var i = 0; i < batch.Length; i++)
        {
            batch[i] = await sessions.ConnectAsync(SessionType.Binary);
        }

        // Warm up on the first half, measure on the second.
        for (var i = 0; i < Rounds; i++)
        {
            sessions.DisconnectAsync(batch[i]).GetAwaiter().GetResult();
        }

        var notSynchronous = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = Rounds; i < batch.Length; i++)
        {
            var pending = sessions.DisconnectAsync(batch[i]);
            if (!pending.IsCompletedSuccessfully)
            {
                notSynchronous++;
            }

            pending.GetAwaiter().GetResult();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        notSynchronous.Should().Be(0);
        allocated.Should().Be(0);
        sessions.Count.Should().Be(0);
    }

    [Fact]
    public async Task AmbientReads_AndTypedStorageReads_InsideAScope_AllocateNothing()
    {
        await using var sessions = new SessionManager(directory: new FastUserDirectory());
        var session = await sessions.ConnectAsync(SessionType.Binary);
        session.Storage.Set(Counter, 7);
        ulong checksum = 0;
        using (sessions.Enter(session, 42))
        {
            for (var i = 0; i < Rounds; i++)
            {
                checksum += Read(sessions);
            }

            checksum = 0;
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Rounds; i++)
            {
                checksum += Read(sessions);
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            allocated.Should().Be(0);
        }

        checksum.Should().Be((ulong)Rounds * (session.Id + 42 + 7 + 1), "every read saw the scope's session, sync and storage");
    }

    private static ulong Read(SessionManager sessions)
    {
        var current = sessions.Current!;
        var users = sessions.User.Length == 5 && sessions.EffectiveUser.Length == 5 ? 1UL : 0UL; // "guest" twice
        return sessions.Id + sessions.Sync + (ulong)current.Storage.Get(Counter) + users;
    }
}
