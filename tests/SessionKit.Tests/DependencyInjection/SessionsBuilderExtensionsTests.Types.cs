using System.Collections.Concurrent;

namespace SessionKit.Tests.DependencyInjection;

// The triggers and probes the tests register; nested so that their registered names (the type name) stay as asserted.
public sealed partial class SessionsBuilderExtensionsTests
{
    public sealed record Run(ulong SessionId, ulong CurrentId, RecordingTrigger Trigger, ScopedDependency Dependency, bool DependencyDisposedDuringRun);

    public sealed class Probe
    {
        private readonly ConcurrentQueue<Run> _runs = new();
        private readonly ConcurrentQueue<string> _events = new();

        public IReadOnlyList<Run> Runs => _runs.ToArray();

        public IReadOnlyList<string> Events => _events.ToArray();

        public void Add(Run run) => _runs.Enqueue(run);

        public void Add(string text) => _events.Enqueue(text);
    }

    public sealed class ScopedDependency : IAsyncDisposable
    {
        public bool Disposed { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return default;
        }
    }

    public sealed class RecordingTrigger(Probe probe, ScopedDependency dependency) : ISessionTrigger<SessionTriggerContext>, IDisposable
    {
        public bool Disposed { get; private set; }

        public async ValueTask InvokeAsync(SessionTriggerContext context)
        {
            await Task.Yield();
            var manager = context.Session.Manager;
            if (context.Session.State == SessionState.Open)
            {
                probe.Add(new Run(context.Session.Id, manager.Id, this, dependency, dependency.Disposed));
            }
            else
            {
                probe.Add($"disconnect? {context.Session.Id}");
            }
        }

        public void Dispose() => Disposed = true;
    }

    public sealed class AuthRecordingTrigger(Probe probe) : ISessionTrigger<AuthTriggerContext>
    {
        public ValueTask InvokeAsync(AuthTriggerContext context)
        {
            probe.Add($"auth {context.UserName} {context.Succeeded} sync {context.Session.Manager.Sync}");
            return default;
        }
    }

    public sealed class DeniedRecordingTrigger(Probe probe) : ISessionTrigger<AccessDeniedTriggerContext>
    {
        public ValueTask InvokeAsync(AccessDeniedTriggerContext context)
        {
            probe.Add($"denied {context.Access} {context.ObjectName} {context.UserName}");
            return default;
        }
    }

    public sealed class GenericTrigger<T> : ISessionTrigger<SessionTriggerContext>
    {
        public ValueTask InvokeAsync(SessionTriggerContext context) => default;
    }

    public sealed class SingletonCountingTrigger : ISessionTrigger<SessionTriggerContext>
    {
        private int _runs;

        public int Runs => Volatile.Read(ref _runs);

        public ValueTask InvokeAsync(SessionTriggerContext context)
        {
            Interlocked.Increment(ref _runs);
            return default;
        }
    }

    public sealed class FailingTrigger : ISessionTrigger<SessionTriggerContext>
    {
        public ValueTask InvokeAsync(SessionTriggerContext context) => throw new InvalidOperationException("refused by FailingTrigger");
    }
}
