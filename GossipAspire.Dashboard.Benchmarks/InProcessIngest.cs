using System.Diagnostics;
using GossipAspire.Dashboard.Configuration;
using GossipAspire.Dashboard.Otlp;
using GossipAspire.Dashboard.Otlp.Storage;
using GossipAspire.Otlp.Collector.Trace.V1;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GossipAspire.Dashboard.Benchmarks;

/// <summary>
/// The ingest path alone, without sockets: decode + convert + store on one thread, as the lower bound on what
/// a transport can add. Reports spans per second and allocated bytes per span.
/// </summary>
public static class InProcessIngest
{
    public static void Run(int spansPerRequest, int runs)
    {
        var ulongStart = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000UL;
        var dashboardOptions = new DashboardOptions();
        if (Environment.GetEnvironmentVariable("BENCH_MAX_TRACES") is { } maxTraces)
        {
            dashboardOptions.TelemetryLimits.MaxTraceCount = int.Parse(maxTraces, System.Globalization.CultureInfo.InvariantCulture);
        }

        var options = Options.Create(dashboardOptions);
        var repository = new TelemetryRepository(options, TimeProvider.System, NullLogger<TelemetryRepository>.Instance);
        using var meters = new NoMeterFactory();
        var ingest = new OtlpIngestService(repository, new DashboardTelemetry(meters));
        for (var run = 0; run <= runs; run++)
        {
            var payloads = Payloads.Create(false, 400, spansPerRequest, run, ref ulongStart);
            var spans = 0L;
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var gcBefore = GC.CollectionCount(2);
            var parse = new Stopwatch();
            var store = new Stopwatch();
            foreach (var payload in payloads)
            {
                parse.Start();
                var request = ExportTraceServiceRequest.Parser.ParseFrom(payload);
                parse.Stop();
                store.Start();
                ingest.Export(request);
                store.Stop();
                spans += spansPerRequest;
            }

            var watch = new { Elapsed = parse.Elapsed + store.Elapsed };
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            if (run > 0)
            {
                Console.WriteLine($"  in-process run {run}: {spans / watch.Elapsed.TotalSeconds,12:N0} spans/s, {allocated / (double)spans,6:N0} bytes allocated per span, {GC.CollectionCount(2) - gcBefore} gen2 GCs, decode {parse.Elapsed.TotalMicroseconds / spans:N2} µs + convert/store {store.Elapsed.TotalMicroseconds / spans:N2} µs per span, {repository.TraceCount} traces stored");
            }
        }
    }

    /// <summary>Where OTLP/JSON's time goes: the hex-id rewrite plus Google.Protobuf's parser, per span.</summary>
    public static void RunJson(int spansPerRequest, int runs)
    {
        var start = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000UL;
        var payloads = Payloads.Create(true, 100, spansPerRequest, 7, ref start);
        for (var run = 0; run <= runs; run++)
        {
            var watch = Stopwatch.StartNew();
            foreach (var payload in payloads)
            {
                GossipAspire.Dashboard.Otlp.Http.OtlpJson.Parse<ExportTraceServiceRequest>(payload);
            }

            watch.Stop();
            if (run > 0)
            {
                Console.WriteLine($"  OTLP/JSON decode run {run}: {watch.Elapsed.TotalMicroseconds / (payloads.Count * spansPerRequest):N2} µs per span");
            }
        }
    }

    private sealed class NoMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
