using FluentAssertions;
using SessionKit.Internal;
using Xunit;

namespace SessionKit.Tests.Internal;

public sealed class StripedCounterTests
{
    [Fact]
    public void IncrementsAndDecrements_AreExact_WhenRead()
    {
        var counter = new StripedCounter();
        counter.Read().Should().Be(0);

        counter.Increment();
        counter.Increment();
        counter.Decrement();

        counter.Read().Should().Be(1);
    }

    [Fact]
    public async Task ManyThreadsAtOnce_LeaveTheExactCount_AndNoReadIsEverNegative()
    {
        const int Workers = 8;
        const int PerWorker = 20_000;
        var counter = new StripedCounter();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var negative = 0;

        // Each worker adds PerWorker and takes away half of them again, on whatever cores it lands on, while a
        // reader sums the cells the whole time.
        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            for (var i = 0; i < PerWorker; i++)
            {
                counter.Increment();
                if (i % 2 == 1)
                {
                    counter.Decrement();
                }
            }
        })).ToArray();
        var reader = Task.Run(async () =>
        {
            await go.Task;
            while (!workers.All(w => w.IsCompleted))
            {
                if (counter.Read() < 0)
                {
                    Interlocked.Increment(ref negative);
                }
            }
        });

        go.SetResult();
        await Task.WhenAll(workers);
        await reader;

        counter.Read().Should().Be(Workers * PerWorker / 2);
        negative.Should().Be(0);
    }
}
