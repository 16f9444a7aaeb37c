using System.Globalization;

namespace SessionKit.Conformance.Tests;

/// <summary>
/// One trigger run as recorded on either side: the list and label, and what <c>box.session</c> (Tarantool) or the
/// <see cref="SessionManager"/> ambient properties (SessionKit) said inside it.
/// </summary>
internal sealed record TriggerEvent(
    string List,
    string Trigger,
    ulong SessionId,
    string User,
    string EffectiveUser,
    string Type,
    ulong Sync,
    string? Peer,
    string? Storage,
    bool Exists,
    IReadOnlyList<string?> Args)
{
    /// <summary>
    /// Describes events in a form both sides can share: session ids become s1, s2, … in order of first appearance
    /// (the two servers number sessions differently), peer and storage are left out (tests that care assert them).
    /// </summary>
    public static IReadOnlyList<string> Describe(IEnumerable<TriggerEvent> events)
    {
        var ordinals = new Dictionary<ulong, int>();
        var lines = new List<string>();
        foreach (var e in events)
        {
            if (!ordinals.TryGetValue(e.SessionId, out var ordinal))
            {
                ordinal = ordinals.Count + 1;
                ordinals[e.SessionId] = ordinal;
            }

            var line = string.Create(CultureInfo.InvariantCulture, $"{e.List} {e.Trigger} s{ordinal} {e.User}/{e.EffectiveUser} {e.Type} sync={e.Sync}");
            if (e.Args.Count > 0)
            {
                line += " (" + string.Join(", ", e.Args.Select(a => a ?? "nil")) + ")";
            }

            lines.Add(line);
        }

        return lines;
    }

    /// <summary>Gets only the labels, in run order.</summary>
    public static IReadOnlyList<string> Labels(IEnumerable<TriggerEvent> events) => events.Select(e => e.Trigger).ToArray();
}
