using System.Collections;

namespace SessionKit.Tests.DependencyInjection;

/// <summary>One trigger list found by <see cref="ReachableTriggerLists"/>: its property name, context type, and how to get it.</summary>
public sealed record ReachableTriggerList(string Name, Type Context, Func<SessionManager, object> Get)
{
    public int CountIn(SessionManager manager) => ((IEnumerable)Get(manager)).Cast<object>().Count();

    public override string ToString() => Name;
}
