using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SessionKit.Internal;

/// <summary>
/// The instruments of one manager, named by the OpenTelemetry conventions (singular namespaces, UCUM units, no
/// pluralised UpDownCounter). Without an <see cref="IMeterFactory"/> each manager creates its own <see cref="Meter"/>
/// (named <c>SessionKit</c>), so two managers in one process never mix their counts, and disposes it with itself. With
/// a factory the meter is the factory's: the factory shares it between managers that ask for the same name and
/// version, and disposes it with itself (the manager never does).
/// </summary>
internal sealed class SessionMetrics : IDisposable
{
    public const string TypeTag = "sessionkit.session.type";
    public const string ResultTag = "sessionkit.authentication.result";
    public const string ListTag = "sessionkit.trigger.list";
    public const string KindTag = "sessionkit.su.kind";

    private static readonly string? Version = typeof(SessionMetrics).Assembly.GetName().Version?.ToString();

    // The boundaries Kestrel and SignalR advise for their connection durations, so a session's lifetime sits in the
    // same buckets as the connection that carries it. The SDK's default buckets stop at 10 s, which a session outlives.
    private static readonly InstrumentAdvice<double> DurationAdvice = new()
    {
        HistogramBucketBoundaries = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    };

    private readonly bool _ownsMeter;
    private readonly TimeProvider _time;
    private readonly UpDownCounter<long> _active;
    private readonly Counter<long> _opened;
    private readonly Counter<long> _closed;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _authentications;
    private readonly Histogram<double> _triggerDuration;
    private readonly Counter<long> _suRefusals;

    public SessionMetrics(IMeterFactory? meterFactory, TimeProvider time)
    {
        _time = time;
        _ownsMeter = meterFactory is null;
        Meter = meterFactory?.Create(new MeterOptions(SessionKitDiagnostics.MeterName) { Version = Version })
            ?? new Meter(SessionKitDiagnostics.MeterName, Version);
        _active = Meter.CreateUpDownCounter<long>("sessionkit.session.active", "{session}", "Sessions open now (connected and not yet closed).");
        _opened = Meter.CreateCounter<long>("sessionkit.session.opened", "{session}", "Sessions connected.");
        _closed = Meter.CreateCounter<long>("sessionkit.session.closed", "{session}", "Sessions closed.");
        _duration = Meter.CreateHistogram("sessionkit.session.duration", "s", "Time from a session's connect to its close.", tags: null, advice: DurationAdvice);
        _authentications = Meter.CreateCounter<long>("sessionkit.authentication.attempts", "{attempt}", "Authentication attempts by result.");
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

    public void Closed(Session session)
    {
        var tag = new KeyValuePair<string, object?>(TypeTag, session.Type.Name);
        _closed.Add(1, tag);
        _active.Add(-1, tag);

        // Derived from ConnectedAt rather than a timestamp kept on the session, which would grow every idle session by
        // 8 bytes. The clock is read only while a listener has the histogram enabled; a wall clock stepped backwards
        // would give a negative span, recorded as 0.
        if (_duration.Enabled)
        {
            var seconds = (_time.GetUtcNow() - session.ConnectedAt).TotalSeconds;
            _duration.Record(Math.Max(seconds, 0), tag);
        }
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

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}
