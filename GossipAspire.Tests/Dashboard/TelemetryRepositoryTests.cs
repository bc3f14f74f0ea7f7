using Google.Protobuf;
using GossipAspire.Dashboard;
using GossipAspire.Dashboard.Configuration;
using GossipAspire.Dashboard.Otlp;
using GossipAspire.Dashboard.Otlp.Storage;
using GossipAspire.Otlp.Collector.Logs.V1;
using GossipAspire.Otlp.Collector.Trace.V1;
using GossipAspire.Otlp.Common.V1;
using GossipAspire.Otlp.Logs.V1;
using GossipAspire.Otlp.Trace.V1;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GossipAspire.Tests.Dashboard;

/// <summary>The store's bounds and its throttled notifications, driven directly and with a fake clock.</summary>
public sealed class TelemetryRepositoryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 19, 0, 0, TimeSpan.Zero));

    private (TelemetryRepository Repository, OtlpIngestService Ingest) Create(Action<TelemetryLimitOptions>? limits = null)
    {
        var options = new DashboardOptions();
        options.TelemetryLimits.NotificationThrottleMilliseconds = 1_000;
        limits?.Invoke(options.TelemetryLimits);
        var repository = new TelemetryRepository(Options.Create(options), _time, NullLogger<TelemetryRepository>.Instance);
        var telemetry = new DashboardTelemetry(new TestMeterFactory());
        return (repository, new OtlpIngestService(repository, telemetry));
    }

    [Fact]
    public void AddSpans_OverMaxTraceCount_EvictsOldestTraces()
    {
        var (repository, ingest) = Create(l => l.MaxTraceCount = 3);

        for (var i = 0; i < 5; i++)
        {
            ingest.Export(Request(TraceId(i), startSeconds: i, spans: 2));
        }

        Assert.Equal(3, repository.TraceCount);
        Assert.Equal(6, repository.SpanCount);
        Assert.Null(repository.GetTrace(TraceId(0)));
        Assert.Null(repository.GetTrace(TraceId(1)));
        Assert.Equal([TraceId(4), TraceId(3), TraceId(2)], repository.GetTraces(new TraceQuery()).Items.Select(t => t.TraceId));
    }

    [Fact]
    public void AddSpans_RootArrivingLast_MovesTraceToItsTrueStart()
    {
        var (repository, ingest) = Create();
        ingest.Export(Request(TraceId(1), startSeconds: 10, spans: 1));
        ingest.Export(Request(TraceId(2), startSeconds: 20, spans: 1));

        // A span of trace 2 that started before trace 1 (the root usually ends, so arrives, last).
        ingest.Export(Request(TraceId(2), startSeconds: 5, spans: 1, firstSpanId: 100));

        Assert.Equal([TraceId(1), TraceId(2)], repository.GetTraces(new TraceQuery()).Items.Select(t => t.TraceId));
        Assert.Equal(2, repository.GetTrace(TraceId(2))!.Spans.Length);
    }

    [Fact]
    public void AddSpans_SameSpanTwice_StoresItOnce()
    {
        var (repository, ingest) = Create();

        ingest.Export(Request(TraceId(1), startSeconds: 0, spans: 2));
        ingest.Export(Request(TraceId(1), startSeconds: 0, spans: 2));

        Assert.Equal(2, repository.SpanCount);
    }

    [Fact]
    public void Export_AttributeAndEventLimits_AreApplied()
    {
        var (repository, ingest) = Create(l =>
        {
            l.MaxAttributeCount = 2;
            l.MaxAttributeLength = 5;
            l.MaxSpanEventCount = 1;
        });
        var request = Request(TraceId(1), startSeconds: 0, spans: 1);
        var span = request.ResourceSpans[0].ScopeSpans[0].Spans[0];
        span.Attributes.Clear();
        span.Attributes.Add(new KeyValue { Key = "a", Value = new AnyValue { StringValue = "0123456789" } });
        span.Attributes.Add(new KeyValue { Key = "b", Value = new AnyValue { IntValue = 1 } });
        span.Attributes.Add(new KeyValue { Key = "c", Value = new AnyValue { IntValue = 2 } });
        span.Events.Add(new Span.Types.Event { Name = "one" });
        span.Events.Add(new Span.Types.Event { Name = "two" });

        ingest.Export(request);

        var stored = repository.GetTrace(TraceId(1))!.Spans[0];
        Assert.Equal(["a", "b"], stored.Attributes.Select(a => a.Key));
        Assert.Equal("01234", stored.Attributes[0].Value);
        Assert.Equal("one", Assert.Single(stored.Events).Name);
    }

    [Fact]
    public void AddLogs_OverMaxLogCount_KeepsNewest()
    {
        var (repository, ingest) = Create(l => l.MaxLogCount = 3);
        var request = new ExportLogsServiceRequest();
        var scope = new ScopeLogs();
        for (var i = 0; i < 5; i++)
        {
            scope.LogRecords.Add(new LogRecord { TimeUnixNano = (ulong)(i + 1) * 1_000_000_000, SeverityNumber = SeverityNumber.Info, Body = new AnyValue { StringValue = $"line {i}" } });
        }

        request.ResourceLogs.Add(new ResourceLogs { ScopeLogs = { scope } });

        ingest.Export(request);

        Assert.Equal(["line 4", "line 3", "line 2"], repository.GetLogs(new LogQuery()).Items.Select(l => l.Message));
    }

    [Fact]
    public void ExportMetrics_PastMaxSeriesPerInstrument_RefusesNewSeriesAndSaysSo()
    {
        var (repository, ingest) = Create(l => l.MaxSeriesPerInstrument = 2);
        var gauge = new GossipAspire.Otlp.Metrics.V1.Gauge();
        for (var i = 0; i < 5; i++)
        {
            var point = new GossipAspire.Otlp.Metrics.V1.NumberDataPoint { TimeUnixNano = 1_000, AsInt = i };
            point.Attributes.Add(new KeyValue { Key = "peer", Value = new AnyValue { StringValue = $"50{i:00}" } });
            gauge.DataPoints.Add(point);
        }

        var request = new GossipAspire.Otlp.Collector.Metrics.V1.ExportMetricsServiceRequest();
        request.ResourceMetrics.Add(new GossipAspire.Otlp.Metrics.V1.ResourceMetrics
        {
            ScopeMetrics = { new GossipAspire.Otlp.Metrics.V1.ScopeMetrics { Metrics = { new GossipAspire.Otlp.Metrics.V1.Metric { Name = "known.peers", Gauge = gauge } } } },
        });

        var response = ingest.Export(request);

        Assert.Equal(3, response.PartialSuccess.RejectedDataPoints);
        Assert.Contains("MaxSeriesPerInstrument", response.PartialSuccess.ErrorMessage);
        Assert.Equal(2, repository.GetInstruments().Single().Series.Count);
    }

    [Fact]
    public async Task Subscribe_BurstOfChanges_CallsBackOncePerThrottleWindowAndNeverLosesTheLast()
    {
        var (repository, ingest) = Create();
        var calls = 0;
        using var subscription = repository.Subscribe(TelemetryKind.Traces, () =>
        {
            Interlocked.Increment(ref calls);
            return Task.CompletedTask;
        });

        ingest.Export(Request(TraceId(1), 0, 1));
        await WaitForCallsAsync(() => calls, 1);
        for (var i = 2; i < 50; i++)
        {
            ingest.Export(Request(TraceId(i), i, 1));
        }

        await Task.Delay(100);
        Assert.Equal(1, calls); // the burst waits for the window

        _time.Advance(TimeSpan.FromMilliseconds(1_000));
        await WaitForCallsAsync(() => calls, 2);
        await Task.Delay(100);
        Assert.Equal(2, calls); // and is folded into one call

        subscription.Dispose();
        ingest.Export(Request(TraceId(99), 99, 1));
        _time.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(100);
        Assert.Equal(2, calls); // nothing after disposal
    }

    private static async Task WaitForCallsAsync(Func<int> calls, int expected)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (calls() < expected)
        {
            await Task.Delay(10, cts.Token);
        }
    }

    private static string TraceId(int i) => i.ToString("x32");

    private static ExportTraceServiceRequest Request(string traceId, int startSeconds, int spans, int firstSpanId = 1)
    {
        var scope = new ScopeSpans();
        for (var i = 0; i < spans; i++)
        {
            var start = 1_700_000_000_000_000_000UL + (ulong)startSeconds * 1_000_000_000UL + (ulong)i;
            scope.Spans.Add(new Span
            {
                TraceId = ByteString.CopyFrom(Convert.FromHexString(traceId)),
                SpanId = ByteString.CopyFrom(Convert.FromHexString((firstSpanId + i).ToString("x16"))),
                Name = $"span {i}",
                StartTimeUnixNano = start,
                EndTimeUnixNano = start + 1_000,
            });
        }

        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(new ResourceSpans { ScopeSpans = { scope } });
        return request;
    }

    private sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
