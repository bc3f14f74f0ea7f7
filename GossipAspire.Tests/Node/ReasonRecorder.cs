using System.Diagnostics.Metrics;

namespace GossipAspire.Tests.Node;

/// <summary>
/// Listens to one counter of the meters made by <paramref name="meterFactory"/> and keeps the <c>reason</c> tag of
/// every measurement, in order: how a test sees that a refusal reached the metric with its reason.
/// </summary>
public sealed class ReasonRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<string?> _reasons = [];

    public ReasonRecorder(IMeterFactory meterFactory, string instrumentName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Name == instrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    lock (_reasons)
                    {
                        _reasons.Add(tag.Value as string);
                    }
                }
            }
        });
        _listener.Start();
    }

    /// <summary>The reasons recorded so far.</summary>
    public IReadOnlyList<string?> Reasons
    {
        get
        {
            lock (_reasons)
            {
                return [.. _reasons];
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}
