using System.Diagnostics.Metrics;

namespace GossipAspire.Dashboard;

/// <summary>The dashboard's own metrics: what it took in and what it refused.</summary>
public sealed class DashboardTelemetry : IDisposable
{
    public const string MeterName = "GossipAspire.Dashboard";

    private readonly Meter _meter;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;

    public DashboardTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _accepted = _meter.CreateCounter<long>("gossipaspire.dashboard.otlp.accepted", "{item}", "Spans, log records and metric points stored");
        _rejected = _meter.CreateCounter<long>("gossipaspire.dashboard.otlp.rejected", "{item}", "Spans, log records and metric points refused");
    }

    public void SpansReceived(long accepted, long rejected) => Record("span", accepted, rejected);

    public void LogsReceived(long accepted, long rejected) => Record("log", accepted, rejected);

    public void MetricPointsReceived(long accepted, long rejected) => Record("metric_point", accepted, rejected);

    private void Record(string signal, long accepted, long rejected)
    {
        var tag = new KeyValuePair<string, object?>("signal", signal);
        if (accepted > 0)
        {
            _accepted.Add(accepted, tag);
        }

        if (rejected > 0)
        {
            _rejected.Add(rejected, tag);
        }
    }

    public void Dispose() => _meter.Dispose();
}
