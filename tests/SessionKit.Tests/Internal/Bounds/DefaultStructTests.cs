using System.Reflection;

namespace SessionKit.Tests.Internal.Bounds;

/// <summary>
/// Issue 12, defect 11 and its class: every public struct of SessionKit is safe to use as <c>default</c>. The audit is
/// by reflection, so a struct added later is covered without touching this test: each public instance property and
/// parameterless method, <c>ToString</c>, <c>GetHashCode</c>, <c>Equals</c>, the operators, and each public static
/// method that takes only the struct, run on <c>default</c> without throwing; a string property that is not
/// annotated as nullable never returns null.
/// </summary>
public sealed class DefaultStructTests
{
    public static TheoryData<string> Structs => new(PublicStructs().Select(t => t.FullName!));

    [Fact]
    public void TheAudit_CoversTheStructsTheIssueNames()
    {
        PublicStructs().Select(t => t.IsGenericType ? t.GetGenericTypeDefinition() : t).Should().Contain(
        [
            typeof(SessionType), typeof(TriggerInfo<>), typeof(SwitchUserRequest), typeof(SessionScope), typeof(AuthTriggerContext),
            typeof(SessionTriggerContext), typeof(AccessDeniedTriggerContext), typeof(ResourceBindContext), typeof(UserPresenceContext),
            typeof(SessionEvictedContext),
        ]);
    }

    [Theory]
    [MemberData(nameof(Structs))]
    public void EveryPublicMember_OfDefault_Answers(string typeName)
    {
        var type = PublicStructs().Single(t => t.FullName == typeName);
        var value = Activator.CreateInstance(type)!;
        var nullability = new NullabilityInfoContext();
        var failures = new List<string>();

        void Try(string member, Func<object?> call, MemberInfo? stringMember = null)
        {
            try
            {
                var result = call();
                if (stringMember is PropertyInfo { PropertyType: var t } p && t == typeof(string) &&
                    nullability.Create(p).ReadState == NullabilityState.NotNull && result is null)
                {
                    failures.Add($"{member} returned null but is not annotated nullable");
                }
            }
            catch (TargetInvocationException ex)
            {
                failures.Add($"{member}: {ex.InnerException!.GetType().Name}: {ex.InnerException.Message}");
            }
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            Try(property.Name, () => property.GetValue(value), property);
        }

        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.GetParameters().Length == 0 && !m.IsSpecialName && !m.ContainsGenericParameters))
        {
            Try(method.Name + "()", () => method.Invoke(value, null));
        }

        Try("Equals(default)", () => type.GetMethod(nameof(Equals), [typeof(object)])!.Invoke(value, [Activator.CreateInstance(type)]));
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Static))
        {
            var parameters = method.GetParameters();
            if (parameters.Length > 0 && parameters.All(p => p.ParameterType == type) && !method.ContainsGenericParameters)
            {
                Try(method.Name, () => method.Invoke(null, parameters.Select(_ => value).ToArray()));
            }
        }

        failures.Should().BeEmpty($"default({type.Name}) must be safe to use");
    }

    [Fact]
    public void DefaultSwitchUserRequest_IsRefusedByTheDefaultPolicy()
    {
        SwitchUserRequest.AdminOnly(default).Should().BeFalse("an empty request asks for nobody, so nothing is granted");
    }

    [Fact]
    public void DefaultTriggerInfo_DescribesNoTrigger()
    {
        var info = default(TriggerInfo<int>);

        info.Name.Should().BeNull();
        info.ToString().Should().NotBeNullOrEmpty();
    }

    private static IEnumerable<Type> PublicStructs() =>
        typeof(SessionManager).Assembly.GetExportedTypes()
            .Where(t => t.IsValueType && !t.IsEnum)
            .Select(t => t.IsGenericTypeDefinition ? t.MakeGenericType(t.GetGenericArguments().Select(_ => typeof(int)).ToArray()) : t)
            .OrderBy(t => t.FullName, StringComparer.Ordinal);
}
