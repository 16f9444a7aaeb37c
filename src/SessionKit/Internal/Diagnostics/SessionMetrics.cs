using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SessionKit.Internal;

/// <summary>
/// The instruments of one manager. Each manager owns its own <see cref="Meter"/> (named <c>SessionKit</c>) so two
/// managers in one process never mix their counts; the meter is disposed with the manager.
/// </summary>
internal sealed class SessionMetrics : IDisposable
{
    public const string TypeTag = "sessionkit.session.type";
    public const string ResultTag = "sessionkit.auth.result";
    public const string ListTag = "sessionkit.trigger.list";
    public const string KindTag = "sessionkit.su.kind";

    private static readonly string? Version = typeof(SessionMetrics).Assembly.GetName().Version?.ToString();

    private readonly UpDownCounter<long> _active;
    private readonly Counter<long> _opened;
    private readonly Counter<long> _closed;
    private readonly Counter<long> _authentications;
    private readonly Histogram<double> _triggerDuration;
    private readonly Counter<long> _suRefusals;

    public SessionMetrics()
    {
        Meter = new Meter(SessionKitDiagnostics.MeterName, Version);
        _active = Meter.CreateUpDownCounter<long>("sessionkit.sessions.active", "{session}", "Sessions open now (connected and not yet closed).");
        _opened = Meter.CreateCounter<long>("sessionkit.sessions.opened", "{session}", "Sessions connected.");
        _closed = Meter.CreateCounter<long>("sessionkit.sessions.closed", "{session}", "Sessions closed.");
        _authentications = Meter.CreateCounter<long>("sessionkit.authentications", "{authentication}", "Authentication attempts by result.");
        _triggerDuration = Meter.CreateHistogram<double>("sessionkit.trigger.duration", "s", "Time to run one trigger list.");
        _suRefusals = Meter.CreateCounter<long>("sessionkit.su.refusals", "{refusal}", "Su and ChangeUser calls refused.");
    }

    public Meter Meter { get; }

    public bool TriggerDurationEnabled => _triggerDuration.Enabled;

    public void Opened(SessionType type)
    {
        var tag = new KeyValuePair<string, object?>(TypeTag, type.Name);
        _opened.Add(1, tag);
        _active.Add(1, tag);
    }

    public void Closed(SessionType type)
    {
        var tag = new KeyValuePair<string, object?>(TypeTag, type.Name);
        _closed.Add(1, tag);
        _active.Add(-1, tag);
    }

    public void TypeChanged(SessionType previous, SessionType current)
    {
        _active.Add(-1, new KeyValuePair<string, object?>(TypeTag, previous.Name));
        _active.Add(1, new KeyValuePair<string, object?>(TypeTag, current.Name));
    }

    public void Authentication(string result) => _authentications.Add(1, new KeyValuePair<string, object?>(ResultTag, result));

    public void TriggerDuration(string list, TimeSpan elapsed) =>
        _triggerDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(ListTag, list));

    public void SuRefused(string kind) => _suRefusals.Add(1, new KeyValuePair<string, object?>(KindTag, kind));

    public void Dispose() => Meter.Dispose();
}
