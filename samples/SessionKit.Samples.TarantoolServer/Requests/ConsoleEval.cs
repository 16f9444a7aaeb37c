using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MessagePack;

namespace SessionKit.Samples.TarantoolServer.Requests;

/// <summary>
/// EVAL: the console's wrapper (<c>return require("console").eval(...)</c>, sent by <c>tarantoolctl connect</c> for
/// every line, answered with YAML text as Tarantool's console formats it) and plain <c>return f(...)</c> expressions.
/// No Lua runs here: a line must be one call of the call table (<c>box.session.user()</c>, <c>box.session.exists(5)</c>,
/// <c>true</c>), or it gets an error.
/// </summary>
internal static partial class ConsoleEval
{
    /// <summary>The loader the console sends, byte for byte (console.lua and net_box.lua in 2.6).</summary>
    public const string ConsoleLoader = "return require(\"console\").eval(...)";

    /// <summary>The error text for anything beyond the call table.</summary>
    public const string Unsupported = "only calls of box.session functions are supported by this server";

    /// <summary>Splits an expression into a function and literal arguments; false when it is not one call.</summary>
    public static bool TryParse(string line, out string function, out IReadOnlyList<byte[]> args)
    {
        var text = line.Trim().TrimEnd(';').Trim();
        if (text.StartsWith("return ", StringComparison.Ordinal))
        {
            text = text["return ".Length..].Trim();
        }

        function = string.Empty;
        args = [];
        if (text == "true")
        {
            function = "true";
            return true;
        }

        var match = CallPattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        function = match.Groups["f"].Value;
        var list = new List<byte[]>();
        foreach (var raw in match.Groups["args"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            var writer = new MessagePackWriter(buffer);
            if (ulong.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                writer.Write(number);
            }
            else if (raw.Length >= 2 && (raw[0] is '\'' or '"') && raw[^1] == raw[0])
            {
                writer.Write(raw[1..^1]);
            }
            else
            {
                return false;
            }

            writer.Flush();
            list.Add(buffer.WrittenSpan.ToArray());
        }

        args = list;
        return true;
    }

    /// <summary>Formats results as the console does: a YAML document of the values.</summary>
    public static string Yaml(CallResult result)
    {
        var text = new StringBuilder("---\n");
        if (result.Error is not null)
        {
            text.Append("- error: ").Append(Scalar(result.Error)).Append('\n');
        }
        else
        {
            foreach (var value in result.Values!)
            {
                text.Append("- ").Append(ValueText(value)).Append('\n');
            }
        }

        return text.Append("...\n").ToString();
    }

    private static string ValueText(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => Scalar(s),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IReadOnlyList<string> list => "[" + string.Join(", ", list.Select(Scalar)) + "]",
        _ => Scalar(value.ToString() ?? string.Empty),
    };

    // Plain when YAML would read it back as the same string; otherwise single-quoted.
    private static string Scalar(string s) =>
        PlainPattern().IsMatch(s) && !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _) &&
        s is not ("true" or "false" or "null" or "yes" or "no" or "on" or "off" or "~")
            ? s
            : "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"^(?<f>[A-Za-z_][A-Za-z0-9_.]*)\((?<args>[^()]*)\)$")]
    private static partial Regex CallPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_./-][A-Za-z0-9_./:@ -]*$")]
    private static partial Regex PlainPattern();
}
