namespace SessionKit.Tests.Diagnostics;

/// <summary>
/// Runs <see cref="TracingTests"/> alone. While its listener is registered, SessionKit's ActivitySource has listeners
/// for the whole process, and a connect with <c>on_connect</c> triggers takes the traced (async) path; tests of the
/// untraced path running at the same time would then not test it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "SessionKit ActivitySource listener";
}
