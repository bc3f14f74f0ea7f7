using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;

namespace GossipAspire.Dashboard.Benchmarks;

public static class IngestBenchmark
{
    private static readonly string[] s_pages = ["/", "/traces", "/structuredlogs", "/metrics", "/gossip"];

    public static async Task<int> RunAsync(BenchmarkSettings settings)
    {
        Console.WriteLine($"dashboard ingest benchmark: {settings.Runs} runs x {settings.Seconds} s per transport, {settings.Senders} concurrent senders, {settings.SpansPerRequest} spans per request, {Environment.ProcessorCount} cores");
        await using var dashboard = await DashboardProcess.StartAsync();
        var report = new JsonObject
        {
            ["machineCores"] = Environment.ProcessorCount,
            ["secondsPerRun"] = settings.Seconds,
            ["runs"] = settings.Runs,
            ["senders"] = settings.Senders,
            ["spansPerRequest"] = settings.SpansPerRequest,
            ["rssAtStartMiB"] = Math.Round(dashboard.RssMiB(), 1),
        };
        var transports = new JsonObject();
        var rssSamples = new List<double>();
        long totalSpans = 0;
        var seed = 0;
        var nextStart = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000UL;

        foreach (var transport in settings.Transports)
        {
            var isJson = transport == "http-json";
            var spansPerRequest = Payloads.SpanCount(Payloads.Build(0, settings.SpansPerRequest, seed));
            using var sender = Sender.Create(transport, dashboard);

            // A one-second warm-up (JIT, connections), not counted, also sizes the payload set: each run gets
            // fresh, ever newer traces, enough that it never has to send one twice.
            var payloads = Payloads.Create(isJson, 100, settings.SpansPerRequest, ++seed, ref nextStart);
            var warmUp = await RunOnceAsync(sender, payloads, spansPerRequest, settings.Senders, TimeSpan.FromSeconds(1), dashboard);
            var requestsPerRun = (int)Math.Ceiling(warmUp.SpansPerSecond * 5.0 * settings.Seconds / spansPerRequest) + settings.Senders;

            var rates = new List<double>();
            var cpuRates = new List<double>();
            for (var run = 0; run < settings.Runs; run++)
            {
                payloads = Payloads.Create(isJson, requestsPerRun, settings.SpansPerRequest, ++seed, ref nextStart);
                var result = await RunOnceAsync(sender, payloads, spansPerRequest, settings.Senders, TimeSpan.FromSeconds(settings.Seconds), dashboard);
                rates.Add(result.SpansPerSecond);
                cpuRates.Add(result.SpansPerDashboardCpuSecond);
                totalSpans += result.Spans;
                var rss = dashboard.RssMiB();
                rssSamples.Add(rss);
                Console.WriteLine($"  {transport,-14} run {run + 1}: {result.SpansPerSecond,10:N0} spans/s  ({result.SpansPerDashboardCpuSecond,10:N0} per dashboard CPU-second, {result.Failures} failed, {(result.Wrapped ? "payloads reused" : "all fresh")})  RSS {rss:N0} MiB");
            }

            transports[transport] = new JsonObject
            {
                ["medianSpansPerSecond"] = Math.Round(Median(rates)),
                ["minSpansPerSecond"] = Math.Round(rates.Min()),
                ["maxSpansPerSecond"] = Math.Round(rates.Max()),
                ["medianSpansPerDashboardCpuSecond"] = Math.Round(Median(cpuRates)),
                ["requestBytes"] = payloads[0].Length,
            };
        }

        report["transports"] = transports;
        report["totalSpansIngested"] = totalSpans;
        report["rssMiBAfterEachRun"] = new JsonArray([.. rssSamples.Select(r => (JsonNode)Math.Round(r, 1))]);

        using var client = new HttpClient { BaseAddress = new Uri(dashboard.FrontendUrl), Timeout = TimeSpan.FromSeconds(30) };
        var traces = JsonNode.Parse(await client.GetStringAsync("/api/telemetry/traces?limit=10000"))!.AsArray();
        report["tracesStored"] = traces.Count;
        var someTrace = traces[traces.Count / 2]!["traceId"]!.GetValue<string>();

        var views = new JsonObject
        {
            ["GET /api/telemetry/traces?limit=100"] = await TimeAsync(client, "/api/telemetry/traces?limit=100"),
            ["GET /api/telemetry/traces?service=node-3&limit=100"] = await TimeAsync(client, "/api/telemetry/traces?service=node-3&limit=100"),
            [$"GET /api/telemetry/traces/{{id}}"] = await TimeAsync(client, $"/api/telemetry/traces/{someTrace}"),
        };
        foreach (var page in s_pages)
        {
            views[$"GET {page} (server render)"] = await TimeAsync(client, page);
        }

        report["viewsWith10000TracesMedianMs"] = views;
        report["rssMiBAtEnd"] = Math.Round(dashboard.RssMiB(), 1);

        Console.WriteLine();
        Console.WriteLine("| transport | median spans/s | min | max | spans per dashboard CPU-s |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (name, node) in transports)
        {
            Console.WriteLine($"| {name} | {node!["medianSpansPerSecond"]:N0} | {node["minSpansPerSecond"]:N0} | {node["maxSpansPerSecond"]:N0} | {node["medianSpansPerDashboardCpuSecond"]:N0} |");
        }

        Console.WriteLine();
        Console.WriteLine($"traces stored: {traces.Count} (Dashboard:TelemetryLimits:MaxTraceCount); spans ingested: {totalSpans:N0}");
        Console.WriteLine($"RSS: {report["rssAtStartMiB"]} MiB at start, {string.Join(", ", rssSamples.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))} MiB after each run, {report["rssMiBAtEnd"]} MiB at the end");
        Console.WriteLine();
        Console.WriteLine("| view, with the store full | median ms |");
        Console.WriteLine("| --- | ---: |");
        foreach (var (name, node) in views)
        {
            Console.WriteLine($"| {name} | {node?.ToString() ?? "n/a"} |");
        }

        var json = report.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        if (settings.OutputPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.OutputPath))!);
            await File.WriteAllTextAsync(settings.OutputPath, json);
            Console.WriteLine($"\nJSON report: {Path.GetFullPath(settings.OutputPath)}");
        }
        else
        {
            Console.WriteLine();
            Console.WriteLine(json);
        }

        return 0;
    }

    private sealed record RunResult(long Spans, double SpansPerSecond, double SpansPerDashboardCpuSecond, int Failures, bool Wrapped);

    private static async Task<RunResult> RunOnceAsync(Sender sender, List<byte[]> payloads, int spansPerRequest, int senders, TimeSpan duration, DashboardProcess dashboard)
    {
        var next = -1;
        long spans = 0;
        var failures = 0;
        var cpuBefore = dashboard.CpuSeconds();
        var watch = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, senders).Select(async _ =>
        {
            while (watch.Elapsed < duration)
            {
                var index = (int)((uint)Interlocked.Increment(ref next) % (uint)payloads.Count);
                if (await sender.SendAsync(payloads[index]))
                {
                    Interlocked.Add(ref spans, spansPerRequest);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }).ToList();
        await Task.WhenAll(tasks);
        var elapsed = watch.Elapsed.TotalSeconds;
        var cpu = dashboard.CpuSeconds() - cpuBefore;
        return new RunResult(spans, spans / elapsed, cpu > 0 ? spans / cpu : double.NaN, failures, next + 1 > payloads.Count);
    }

    private static async Task<JsonNode?> TimeAsync(HttpClient client, string path)
    {
        var samples = new List<double>();
        for (var i = 0; i < 31; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await client.GetAsync(path);
            await response.Content.ReadAsByteArrayAsync();
            watch.Stop();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return null;
            }

            if (i > 0)
            {
                samples.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        return Math.Round(Median(samples), 2);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Sends one serialized export request; true when the dashboard accepted it.</summary>
    private abstract class Sender : IDisposable
    {
        public abstract Task<bool> SendAsync(byte[] payload);

        public abstract void Dispose();

        public static Sender Create(string transport, DashboardProcess dashboard) => transport switch
        {
            "grpc" => new GrpcSender(dashboard.OtlpGrpcUrl),
            "http-protobuf" => new HttpSender(dashboard.OtlpHttpUrl, "application/x-protobuf"),
            "http-json" => new HttpSender(dashboard.OtlpHttpUrl, "application/json"),
            _ => throw new ArgumentException($"unknown transport {transport}"),
        };
    }

    private sealed class HttpSender(string baseUrl, string contentType) : Sender
    {
        private readonly HttpClient _client = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        private readonly MediaTypeHeaderValue _contentType = new(contentType);

        public override async Task<bool> SendAsync(byte[] payload)
        {
            using var content = new ByteArrayContent(payload);
            content.Headers.ContentType = _contentType;
            using var response = await _client.PostAsync("/v1/traces", content);
            return response.StatusCode == HttpStatusCode.OK;
        }

        public override void Dispose() => _client.Dispose();
    }

    private sealed class GrpcSender : Sender
    {
        private static readonly Method<byte[], byte[]> s_export = new(
            MethodType.Unary,
            "opentelemetry.proto.collector.trace.v1.TraceService",
            "Export",
            Marshallers.Create(static b => b, static b => b),
            Marshallers.Create(static b => b, static b => b));

        private readonly GrpcChannel _channel;

        public GrpcSender(string url)
        {
            _channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { MaxSendMessageSize = 64 * 1024 * 1024 });
        }

        public override async Task<bool> SendAsync(byte[] payload)
        {
            try
            {
                await _channel.CreateCallInvoker().AsyncUnaryCall(s_export, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), payload);
                return true;
            }
            catch (RpcException)
            {
                return false;
            }
        }

        public override void Dispose() => _channel.Dispose();
    }
}
