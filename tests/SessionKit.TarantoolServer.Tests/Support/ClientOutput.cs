using System.Text.RegularExpressions;

namespace SessionKit.TarantoolServer.Tests.Support;

/// <summary>
/// client.lua's key/value lines, normalised: ports on 127.0.0.1 become PORT (the peers' ephemeral ports, and the
/// server's own port in tarantoolctl's "connected to" banner) and session ids become ordinals in order of first
/// appearance (Tarantool also numbers its own fibers' sessions, so raw ids differ). Nothing else is changed.
/// </summary>
internal sealed partial class ClientOutput
{
    private ClientOutput(IReadOnlyList<KeyValuePair<string, string>> lines) => Lines = lines;

    public IReadOnlyList<KeyValuePair<string, string>> Lines { get; }

    /// <summary>Gets the values of keys that are not trigger events, by key.</summary>
    public IReadOnlyDictionary<string, string> Values =>
        Lines.Where(l => !l.Key.StartsWith("event.", StringComparison.Ordinal)).ToDictionary(l => l.Key, l => l.Value);

    /// <summary>Gets the trigger events in the order the server recorded them.</summary>
    public IReadOnlyList<string> Events =>
        Lines.Where(l => l.Key.StartsWith("event.", StringComparison.Ordinal)).Select(l => l.Value).ToArray();

    public static ClientOutput Parse(string stdout)
    {
        var ordinals = new Dictionary<string, int>();
        var lines = new List<KeyValuePair<string, string>>();
        string? key = null;
        var value = new List<string>();
        foreach (var raw in stdout.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n'))
        {
            // A value may span lines (the console's YAML); a line with a tab starts the next key.
            var tab = raw.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0)
            {
                Flush();
                key = raw[..tab];
                value.Add(raw[(tab + 1)..]);
            }
            else if (key is not null)
            {
                value.Add(raw);
            }
        }

        Flush();
        return new ClientOutput(lines);

        void Flush()
        {
            if (key is not null)
            {
                var text = string.Join("\n", value).TrimEnd('\n');
                text = Port().Replace(text, "127.0.0.1:PORT");
                text = Sid().Replace(text, m =>
                {
                    if (!ordinals.TryGetValue(m.Groups[1].Value, out var n))
                    {
                        n = ordinals.Count + 1;
                        ordinals[m.Groups[1].Value] = n;
                    }

                    return "sid:#" + n;
                });
                lines.Add(new(key, text));
            }

            key = null;
            value.Clear();
        }
    }

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex Port();

    [GeneratedRegex(@"sid:(\d+)")]
    private static partial Regex Sid();
}
