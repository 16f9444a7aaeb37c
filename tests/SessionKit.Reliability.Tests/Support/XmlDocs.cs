using System.Xml.Linq;

namespace SessionKit.Reliability.Tests.Support;

/// <summary>
/// Reads SessionKit.xml (the library's generated XML documentation, copied next to the test assembly) so tests can
/// compare what a member throws with what its &lt;exception&gt; tags promise.
/// </summary>
/// <remarks>
/// Rules: an exception is documented when its type or a base type is listed. <c>System.Exception</c> is not counted:
/// the library uses it only for "a trigger's own exception". A member whose summary says "see X" for an overload X of
/// the same method inherits X's list (as <c>Su(string, Action)</c> defers to <c>Su(string)</c>); <c>&lt;inheritdoc/&gt;</c>
/// on an <see cref="InMemoryUserDirectory"/> member resolves to the <see cref="IUserDirectory"/> member.
/// </remarks>
public static class XmlDocs
{
    private static readonly Lazy<Dictionary<string, XElement>> Members = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "SessionKit.xml");
        return XDocument.Load(path).Descendants("member").ToDictionary(m => (string)m.Attribute("name")!, StringComparer.Ordinal);
    });

    /// <summary>Finds the one member whose id starts with <paramref name="prefix"/>.</summary>
    public static string Resolve(string prefix)
    {
        if (Members.Value.ContainsKey(prefix))
        {
            return prefix;
        }

        var matches = Members.Value.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
        return matches.Length == 1
            ? matches[0]
            : throw new ArgumentException($"'{prefix}' matches {matches.Length} documented members: {string.Join(", ", matches)}", nameof(prefix));
    }

    public static IReadOnlySet<string> ExceptionsOf(string member)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        Collect(Resolve(member), result, []);
        result.Remove("System.Exception");
        return result;
    }

    public static IReadOnlySet<string> ParametersOf(string member)
    {
        var element = Element(Resolve(member));
        var names = element.Elements("param").Select(p => (string)p.Attribute("name")!).ToHashSet(StringComparer.Ordinal);
        if (member.StartsWith("P:", StringComparison.Ordinal))
        {
            names.Add("value");
        }

        return names;
    }

    public static bool Documents(string member, Type exception)
    {
        var listed = ExceptionsOf(member);
        for (var t = exception; t is not null && t != typeof(Exception); t = t.BaseType)
        {
            if (listed.Contains(t.FullName!))
            {
                return true;
            }
        }

        return false;
    }

    private static XElement Element(string id)
    {
        var element = Members.Value[id];
        if (element.Element("inheritdoc") is not null && id.Contains("InMemoryUserDirectory.", StringComparison.Ordinal))
        {
            // The interface's docs plus whatever the implementation adds next to <inheritdoc/> (its own exceptions).
            var inherited = Members.Value[id.Replace("InMemoryUserDirectory.", "IUserDirectory.", StringComparison.Ordinal)];
            return new XElement("member", inherited.Elements(), element.Elements().Where(e => e.Name != "inheritdoc"));
        }

        return element;
    }

    private static string MethodOf(string id) => System.Text.RegularExpressions.Regex.Replace(id.Split('(')[0], "``[0-9]+$", string.Empty);

    private static void Collect(string id, HashSet<string> into, HashSet<string> seen)
    {
        if (!seen.Add(id) || !Members.Value.ContainsKey(id))
        {
            return;
        }

        var element = Element(id);
        foreach (var ex in element.Elements("exception"))
        {
            into.Add(((string)ex.Attribute("cref")!)[2..]);
        }

        var method = MethodOf(id);
        foreach (var see in element.Element("summary")?.Descendants("see") ?? [])
        {
            if ((string?)see.Attribute("cref") is { } cref && MethodOf(cref) == method)
            {
                Collect(cref, into, seen);
            }
        }
    }
}
