using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace SessionKit.Tests.Diagnostics;

/// <summary>One measurement as a test sees it.</summary>
public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public object? this[string tag] => Tags.TryGetValue(tag, out var value) ? value : null;
}

/// <summary>
/// Listens to the instruments of one manager's meter (every manager owns a meter named <c>SessionKit</c>, so the name
/// alone would mix in managers of tests running in parallel) and keeps every measurement.
/// (Microsoft.Extensions.Diagnostics.Testing's MetricCollector is not available from this machine's registry.)
/// </summary>
public sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();
    private readonly ConcurrentDictionary<string, Instrument> _instruments = new();

    public MeasurementRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SessionKitDiagnostics.MeterName && ReferenceEquals(instrument.Meter, meter))
            {
                _instruments[instrument.Name] = instrument;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    public IReadOnlyList<Measurement> Measurements => _measurements.ToArray();

    public IReadOnlyDictionary<string, Instrument> Instruments => _instruments;

    public IReadOnlyList<Measurement> Of(string instrument) => Measurements.Where(m => m.Instrument == instrument).ToArray();

    /// <summary>Sums an instrument's measurements whose tag <paramref name="tag"/> equals <paramref name="value"/>.</summary>
    public double Sum(string instrument, string tag, string value) =>
        Of(instrument).Where(m => Equals(m[tag], value)).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();

    private void Add<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue(new Measurement(instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy));
    }
}
