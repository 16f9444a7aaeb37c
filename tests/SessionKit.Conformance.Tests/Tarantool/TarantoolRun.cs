using System.Text.Json;

namespace SessionKit.Conformance.Tests.Tarantool;

/// <summary>What a Tarantool scenario run produced: the trigger events the server recorded, the trigger lists as
/// <c>box.session.on_x()</c> returned them at the end (as labels), and the scenario's own result (<c>out</c>).</summary>
internal sealed class TarantoolRun
{
    private TarantoolRun(JsonElement root)
    {
        Out = root.TryGetProperty("out", out var output) ? output.Clone() : default;
        SetupError = root.TryGetProperty("setup_error", out var setupError) ? setupError.GetString() : null;
        Events = root.GetProperty("events").EnumerateArray().Select(ParseEvent).ToArray();
        Listings = root.GetProperty("listings").EnumerateObject()
            .ToDictionary(p => p.Name, p => (IReadOnlyList<string>)ArrayOrEmpty(p.Value).Select(x => x.GetString()!).ToArray());
    }

    public JsonElement Out { get; }

    /// <summary>Gets the error the setup chunk raised on the server, if it raised one.</summary>
    public string? SetupError { get; }

    public IReadOnlyList<TriggerEvent> Events { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Listings { get; }

    public static TarantoolRun Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (!root.GetProperty("ok").GetBoolean())
        {
            throw new InvalidOperationException("The scenario's Lua failed in the client: " + root.GetProperty("out"));
        }

        return new TarantoolRun(root);
    }

    /// <summary>Reads a string at a path of property names and array indexes in <see cref="Out"/>, or null.</summary>
    public string? Text(params object[] path) => Find(path) is { ValueKind: JsonValueKind.String } e ? e.GetString() : null;

    public ulong Number(params object[] path) => Find(path)?.GetUInt64() ?? throw new KeyNotFoundException(string.Join("/", path));

    public bool Flag(params object[] path) => Find(path)?.GetBoolean() ?? throw new KeyNotFoundException(string.Join("/", path));

    public JsonElement? Find(params object[] path)
    {
        var current = Out;
        foreach (var step in path)
        {
            if (step is string name)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
                {
                    return null;
                }
            }
            else
            {
                var index = (int)step;
                if (current.ValueKind != JsonValueKind.Array || current.GetArrayLength() <= index)
                {
                    return null;
                }

                current = current[index];
            }
        }

        return current;
    }

    private static IEnumerable<JsonElement> ArrayOrEmpty(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray() : [];

    private static TriggerEvent ParseEvent(JsonElement e) => new(
        e.GetProperty("list").GetString()!,
        e.GetProperty("trigger").GetString()!,
        e.GetProperty("id").GetUInt64(),
        e.GetProperty("user").GetString()!,
        e.GetProperty("euser").GetString()!,
        e.GetProperty("type").GetString()!,
        e.GetProperty("sync").GetUInt64(),
        e.GetProperty("peer").GetString(),
        e.GetProperty("storage").GetString(),
        e.GetProperty("exists").GetBoolean(),
        ArrayOrEmpty(e.GetProperty("args")).Select(a => a.ValueKind == JsonValueKind.Null ? null : a.GetString()).ToArray());
}
