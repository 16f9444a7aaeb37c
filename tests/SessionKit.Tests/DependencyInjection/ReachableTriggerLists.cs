using System.Reflection;

namespace SessionKit.Tests.DependencyInjection;

/// <summary>
/// Every public <see cref="TriggerList{TContext}"/> property reachable from a <see cref="SessionManager"/>: its own,
/// and those of the public objects it exposes (<see cref="SessionManager.Users"/>, <see cref="SessionManager.Admin"/>),
/// found by reflection so that a list added later is found too.
/// </summary>
public static class ReachableTriggerLists
{
    public static IReadOnlyList<ReachableTriggerList> All { get; } = Find();

    private static ReachableTriggerList[] Find()
    {
        var lists = new List<ReachableTriggerList>();
        foreach (var property in typeof(SessionManager).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (ContextOf(property.PropertyType) is { } context)
            {
                lists.Add(new ReachableTriggerList(property.Name, context, m => property.GetValue(m)!));
                continue;
            }

            // One level down: the sub-objects (Users, Admin) are SessionKit types; their trigger lists count too.
            if (property.PropertyType.Assembly != typeof(SessionManager).Assembly)
            {
                continue;
            }

            foreach (var inner in property.PropertyType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (ContextOf(inner.PropertyType) is { } innerContext)
                {
                    lists.Add(new ReachableTriggerList(inner.Name, innerContext, m => inner.GetValue(property.GetValue(m))!));
                }
            }
        }

        return [.. lists];
    }

    private static Type? ContextOf(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(TriggerList<>) ? type.GetGenericArguments()[0] : null;
}
