namespace SessionKit.Tests.DependencyInjection;

/// <summary>A scoped service a class trigger depends on; a provider built with scope validation refuses it outside a scope.</summary>
public sealed class ScopedTriggerDependency : IDisposable
{
    public bool Disposed { get; private set; }

    public void Dispose() => Disposed = true;
}
