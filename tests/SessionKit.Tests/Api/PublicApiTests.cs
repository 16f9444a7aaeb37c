using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace SessionKit.Tests.Api;

/// <summary>
/// Lists the public surface of SessionKit by reflection and compares it with the committed src/SessionKit/PublicAPI.txt,
/// so every change to the surface is a visible diff. To accept a change, run the tests with
/// SESSIONKIT_UPDATE_PUBLIC_API=1 and commit the rewritten file.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicSurface_MatchesCommittedSnapshot()
    {
        var actual = PublicApi.Describe(typeof(SessionManager).Assembly);
        var path = Path.Combine(RepositoryRoot(), "src", "SessionKit", "PublicAPI.txt");
        if (Environment.GetEnvironmentVariable("SESSIONKIT_UPDATE_PUBLIC_API") == "1")
        {
            File.WriteAllText(path, actual);
        }

        var expected = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : string.Empty;
        actual.Should().Be(expected, "the public API changed: review the diff, then run with SESSIONKIT_UPDATE_PUBLIC_API=1 to accept it");
    }

    [Fact]
    public void PublicTypes_AreSealedOrStaticOrAbstractOrValueTypesOrInterfaces()
    {
        var unsealed = typeof(SessionManager).Assembly.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract)
            .Select(t => t.FullName)
            .ToArray();
        unsealed.Should().BeEmpty("public classes are sealed by default");
    }

    private static string RepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        // Above the test binaries in an ordinary build; from this file's path when the binaries live elsewhere
        // (dotnet test --artifacts-path).
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SessionKit.sln")))
            {
                return dir.FullName;
            }
        }

        var fromSource = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", ".."));
        return File.Exists(Path.Combine(fromSource, "SessionKit.sln"))
            ? fromSource
            : throw new InvalidOperationException("SessionKit.sln not found above the test binaries or this source file.");
    }
}

/// <summary>Renders an assembly's public surface as sorted, stable text lines.</summary>
internal static class PublicApi
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var kind = type.IsInterface ? "interface" : type.IsEnum ? "enum" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : type.IsAbstract ? "abstract class" : type.IsSealed ? "sealed class" : "class";
            var bases = new List<string>();
            if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum))
            {
                bases.Add(Name(b));
            }

            bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(Name).OrderBy(n => n, StringComparer.Ordinal));
            lines.Add($"{kind} {Name(type)}{(bases.Count > 0 ? " : " + string.Join(", ", bases) : string.Empty)}");
            var members = new List<string>();
            foreach (var member in type.GetMembers(Declared))
            {
                var text = Member(type, member);
                if (text is not null)
                {
                    members.Add($"  {text}");
                }
            }

            lines.AddRange(members.OrderBy(m => m, StringComparer.Ordinal));
        }

        var sb = new StringBuilder();
        foreach (var line in lines)
        {
            sb.Append(line).Append('\n');
        }

        return sb.ToString();
    }

    private static string? Member(Type owner, MemberInfo member)
    {
        switch (member)
        {
            case ConstructorInfo c when !owner.IsValueType || c.GetParameters().Length > 0:
                return $"ctor({Parameters(c)})";
            case ConstructorInfo:
                return null;
            case MethodInfo m when m.IsSpecialName && !m.Name.StartsWith("op_", StringComparison.Ordinal):
                return null;
            case MethodInfo m when owner.IsEnum:
                return null;
            case MethodInfo m:
                var generic = m.IsGenericMethod ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : string.Empty;
                return $"{(m.IsStatic ? "static " : string.Empty)}{Name(m.ReturnType)} {m.Name}{generic}({Parameters(m)})";
            case PropertyInfo p:
                var accessors = (p.GetMethod?.IsPublic == true ? "get; " : string.Empty) + (p.SetMethod?.IsPublic == true ? (p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.Name == "IsExternalInit") ? "init; " : "set; ") : string.Empty);
                var index = p.GetIndexParameters();
                var name = index.Length > 0 ? $"this[{string.Join(", ", index.Select(i => Name(i.ParameterType) + " " + i.Name))}]" : p.Name;
                var isStatic = (p.GetMethod ?? p.SetMethod)!.IsStatic ? "static " : string.Empty;
                return $"{isStatic}{Name(p.PropertyType)} {name} {{ {accessors}}}";
            case FieldInfo f when owner.IsEnum && f.IsStatic:
                return $"{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}";
            case FieldInfo f when owner.IsEnum:
                return null;
            case FieldInfo f:
                return $"{(f.IsLiteral ? "const " : f.IsStatic ? "static readonly " : string.Empty)}{Name(f.FieldType)} {f.Name}";
            case EventInfo e:
                return $"event {Name(e.EventHandlerType!)} {e.Name}";
            case Type:
                return null;
            default:
                return null;
        }
    }

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p =>
            (p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : string.Empty) + Name(p.ParameterType) + " " + p.Name + (p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : p.IsOptional ? " = default" : string.Empty)));

    private static string Name(Type type)
    {
        if (type.IsByRef)
        {
            return Name(type.GetElementType()!);
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        var name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : (type.Namespace is null ? type.Name : type.Namespace + "." + type.Name);
        if (type.IsGenericType)
        {
            var tick = name.IndexOf('`', StringComparison.Ordinal);
            if (tick >= 0)
            {
                name = name[..tick];
            }

            name += "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">";
        }

        return name;
    }
}
