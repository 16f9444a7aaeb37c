using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace SessionKit.Tests.DependencyInjection;

/// <summary>
/// The builder has every form of registration for every trigger list reachable from the manager, found by reflection,
/// so a list added later without builder methods fails here.
/// </summary>
public sealed class SessionsBuilderTriggerCoverageTests
{
    public static TheoryData<string> ListNames => [.. ReachableTriggerLists.All.Select(l => l.Name)];

    [Fact]
    public void ReflectionFindsTheElevenLists_OnTheManagerItsUsersAndItsAdmin()
    {
        // Guards the reflection below: if it found nothing, every other test here would pass vacuously.
        ReachableTriggerLists.All.Select(l => l.Name).Should().BeEquivalentTo(
            "OnConnect", "OnAuth", "OnDisconnect", "OnAccessDenied",
            "OnUserOnline", "OnUserOffline", "OnSessionEvicted", "OnPreResourceBind", "OnResourceBind", "OnResourceUnbind",
            "OnSessionClosing");
    }

    [Theory]
    [MemberData(nameof(ListNames))]
    public void EveryList_HasTheFourBuilderForms(string list)
    {
        var context = ReachableTriggerLists.All.Single(l => l.Name == list).Context;
        var handler = typeof(Func<,>).MakeGenericType(context, typeof(ValueTask));

        ParametersOf(DelegateForm(list, context, named: false)).Should().Equal(typeof(ISessionsBuilder), handler);
        ParametersOf(DelegateForm(list, context, named: true)).Should().Equal(typeof(ISessionsBuilder), typeof(string), handler);
        ParametersOf(ClassForm(list, context, named: false)).Should().Equal(typeof(ISessionsBuilder));
        ParametersOf(ClassForm(list, context, named: true)).Should().Equal(typeof(ISessionsBuilder), typeof(string));
    }

    [Fact]
    public void EveryTriggerMethodOfTheBuilder_ServesAReachableList()
    {
        var lists = ReachableTriggerLists.All.Select(l => l.Name).ToHashSet();
        var methods = typeof(SessionsBuilderExtensions).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name.StartsWith("On", StringComparison.Ordinal))
            .ToArray();

        methods.Select(m => m.Name).Should().OnlyContain(name => lists.Contains(name));
        methods.Should().HaveCount(4 * lists.Count, "four forms per list, no more");
    }

    [Theory]
    [MemberData(nameof(ListNames))]
    public void EveryForm_ValidatesItsArguments(string list)
    {
        var context = ReachableTriggerLists.All.Single(l => l.Name == list).Context;
        var builder = new ServiceCollection().AddSessions();
        var handler = typeof(NoOp<>).MakeGenericType(context).GetProperty("Handler")!.GetValue(null)!;
        var unnamed = DelegateForm(list, context, named: false);
        var named = DelegateForm(list, context, named: true);
        var unnamedClass = ClassForm(list, context, named: false);
        var namedClass = ClassForm(list, context, named: true);

        Throws<ArgumentNullException>("builder", unnamed, null, handler);
        Throws<ArgumentNullException>("builder", named, null, "n", handler);
        Throws<ArgumentNullException>("builder", unnamedClass, [null]);
        Throws<ArgumentNullException>("builder", namedClass, null, "n");
        Throws<ArgumentNullException>("trigger", unnamed, builder, null);
        Throws<ArgumentNullException>("trigger", named, builder, "n", null);
        Throws<ArgumentNullException>("name", named, builder, null, handler);
        Throws<ArgumentException>("name", named, builder, "a\nb", handler);
        Throws<ArgumentNullException>("name", namedClass, builder, null);
        Throws<ArgumentException>("name", namedClass, builder, new string('x', 257));
        unnamed.Invoke(null, [builder, handler]).Should().BeSameAs(builder, "every form returns the builder for chaining");
        namedClass.Invoke(null, [builder, "n"]).Should().BeSameAs(builder);
    }

    private static MethodInfo DelegateForm(string list, Type context, bool named) =>
        typeof(SessionsBuilderExtensions).GetMethods(BindingFlags.Public | BindingFlags.Static).Single(m =>
            m.Name == list && !m.IsGenericMethodDefinition && m.GetParameters().Length == (named ? 3 : 2) &&
            m.GetParameters()[^1].ParameterType == typeof(Func<,>).MakeGenericType(context, typeof(ValueTask)));

    // The class forms are generic over the trigger type; closed here over a recorder of the list's context, which
    // also checks that the constraint is ISessionTrigger<that context> (MakeGenericMethod throws otherwise).
    private static MethodInfo ClassForm(string list, Type context, bool named) =>
        typeof(SessionsBuilderExtensions).GetMethods(BindingFlags.Public | BindingFlags.Static).Single(m =>
            m.Name == list && m.IsGenericMethodDefinition && m.GetParameters().Length == (named ? 2 : 1) &&
            m.GetGenericArguments()[0].GetGenericParameterConstraints().Contains(typeof(ISessionTrigger<>).MakeGenericType(context)))
        .MakeGenericMethod(typeof(RecordingListTrigger<>).MakeGenericType(context));

    private static Type[] ParametersOf(MethodInfo method) => method.GetParameters().Select(p => p.ParameterType).ToArray();

    private static void Throws<TException>(string parameter, MethodInfo method, params object?[] arguments)
        where TException : ArgumentException
    {
        var error = Assert.Throws<TargetInvocationException>(() => method.Invoke(null, arguments)).InnerException;
        error.Should().BeOfType<TException>().Which.ParamName.Should().Be(parameter);
    }

    private static class NoOp<TContext>
    {
        public static Func<TContext, ValueTask> Handler { get; } = _ => default;
    }
}
