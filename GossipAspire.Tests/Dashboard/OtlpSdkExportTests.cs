using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using GossipAspire.Dashboard.Otlp.Model;
using GossipAspire.Dashboard.Otlp.Storage;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Dashboard;

/// <summary>
/// The OpenTelemetry .NET SDK's own OTLP exporters, pointed at a real dashboard over gRPC and HTTP/protobuf:
/// what the SDK sends must arrive whole (attributes of every type, events, links, status, logs, metrics).
/// </summary>
public sealed class OtlpSdkExportTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    public static TheoryData<string> Protocols => ["grpc", "http/protobuf"];

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Export_SpansWithEveryAttributeType_ArriveWhole(string protocol)
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var source = new ActivitySource("GossipAspire.Tests.Otlp." + Guid.NewGuid().ToString("N"));
        string traceId;
        string rootSpanId;
        string childSpanId;
        ActivityContext linked;

        using (var tracerProvider = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.Clear().AddService("otlp-sdk-test", serviceInstanceId: "instance-a"))
            .AddSource(source.Name)
            .AddOtlpExporter(o => ConfigureExporter(o, dashboard, protocol, "/v1/traces"))
            .Build())
        {
            using (var other = source.StartActivity("linked-target"))
            {
                linked = other!.Context;
            }

            using (var rootActivity = source.StartActivity("gossip pick", ActivityKind.Internal)!)
            {
                var root = rootActivity;
                traceId = root.TraceId.ToHexString();
                rootSpanId = root.SpanId.ToHexString();
                root.SetTag("text", "Kim by Rudyard Kipling");
                root.SetTag("flag", true);
                root.SetTag("count", 42L);
                root.SetTag("ratio", 0.25);
                root.SetTag("words", new[] { "a", "b" });
                root.SetTag("flags", new[] { true, false });
                root.SetTag("numbers", new long[] { 1, 2, 3 });
                root.SetTag("ratios", new[] { 1.5, 2.5 });
                root.AddEvent(new ActivityEvent("picked", tags: new ActivityTagsCollection { ["book"] = "Kim", ["n"] = 7L }));
                root.SetStatus(ActivityStatusCode.Error, "it went wrong");

                using var childActivity = source.StartActivity("gossip receive", ActivityKind.Server, root.Context, links: [new ActivityLink(linked, new ActivityTagsCollection { ["why"] = "because" })])!;
                childSpanId = childActivity.SpanId.ToHexString();
                childActivity.SetStatus(ActivityStatusCode.Ok);
            }

            Assert.True(tracerProvider.ForceFlush(10_000), "the exporter did not flush");
        }

        using var client = dashboard.CreateFrontendClient();
        var body = await AsyncTestHelpers.WaitForAsync(async () =>
        {
            using var response = await client.GetAsync($"/api/telemetry/traces/{traceId}");
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var json = await response.Content.ReadAsStringAsync();
            return JsonDocument.Parse(json).RootElement.GetProperty("spans").GetArrayLength() == 2 ? json : null;
        }, s_timeout, $"trace {traceId} never arrived whole");
        var trace = JsonDocument.Parse(body).RootElement;

        var spans = trace.GetProperty("spans").EnumerateArray().ToList();
        var rootSpan = spans.Single(s => s.GetProperty("spanId").GetString() == rootSpanId);
        var childSpan = spans.Single(s => s.GetProperty("spanId").GetString() == childSpanId);

        Assert.Equal(traceId, trace.GetProperty("traceId").GetString());
        Assert.False(rootSpan.TryGetProperty("parentSpanId", out _), "a root span has no parentSpanId");
        Assert.Equal(rootSpanId, childSpan.GetProperty("parentSpanId").GetString());
        Assert.Equal("gossip pick", rootSpan.GetProperty("name").GetString());
        Assert.Equal("otlp-sdk-test", rootSpan.GetProperty("service").GetString());
        Assert.Equal("instance-a", rootSpan.GetProperty("instance").GetString());
        Assert.Equal("Error", rootSpan.GetProperty("status").GetString());
        Assert.Equal("it went wrong", rootSpan.GetProperty("statusMessage").GetString());
        Assert.Equal("Ok", childSpan.GetProperty("status").GetString());
        Assert.Equal("Server", childSpan.GetProperty("kind").GetString());
        Assert.True(rootSpan.GetProperty("end").GetDateTime() >= rootSpan.GetProperty("start").GetDateTime());

        var attributes = rootSpan.GetProperty("attributes");
        Assert.Equal("Kim by Rudyard Kipling", attributes.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.True, attributes.GetProperty("flag").ValueKind);
        Assert.Equal(42, attributes.GetProperty("count").GetInt64());
        Assert.Equal(0.25, attributes.GetProperty("ratio").GetDouble());
        Assert.Equal(["a", "b"], attributes.GetProperty("words").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([true, false], attributes.GetProperty("flags").EnumerateArray().Select(e => e.GetBoolean()));
        Assert.Equal([1L, 2L, 3L], attributes.GetProperty("numbers").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal([1.5, 2.5], attributes.GetProperty("ratios").EnumerateArray().Select(e => e.GetDouble()));

        var evt = Assert.Single(rootSpan.GetProperty("events").EnumerateArray());
        Assert.Equal("picked", evt.GetProperty("name").GetString());
        Assert.Equal("Kim", evt.GetProperty("attributes").GetProperty("book").GetString());
        Assert.Equal(7, evt.GetProperty("attributes").GetProperty("n").GetInt64());

        var link = Assert.Single(childSpan.GetProperty("links").EnumerateArray());
        Assert.Equal(linked.TraceId.ToHexString(), link.GetProperty("traceId").GetString());
        Assert.Equal(linked.SpanId.ToHexString(), link.GetProperty("spanId").GetString());
        Assert.Equal("because", link.GetProperty("attributes").GetProperty("why").GetString());
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Export_LogsAndMetrics_AreStored(string protocol)
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        var meterName = "GossipAspire.Tests.Meter." + Guid.NewGuid().ToString("N");

        using (var loggerFactory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel =>
        {
            otel.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("otlp-log-test", serviceInstanceId: "i-1"));
            otel.AddOtlpExporter((o, processor) =>
            {
                ConfigureExporter(o, dashboard, protocol, "/v1/logs");
                processor.ExportProcessorType = ExportProcessorType.Simple;
            });
        })))
        {
            var logger = loggerFactory.CreateLogger("GossipAspire.Tests.Otlp");
            logger.LogWarning("Node {NodeId} picked {Book}", "5003", "Kim by Rudyard Kipling");
            logger.LogError("Something failed at {Count}", 3);
        }

        using (var meter = new Meter(meterName))
        using (var meterProvider = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.Clear().AddService("otlp-metric-test", serviceInstanceId: "m-1"))
            .AddMeter(meterName)
            .AddOtlpExporter((o, reader) =>
            {
                ConfigureExporter(o, dashboard, protocol, "/v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 600_000;
            })
            .Build())
        {
            var counter = meter.CreateCounter<long>("gossip.messages.sent");
            counter.Add(5, new KeyValuePair<string, object?>("peer", "5001"));
            counter.Add(2, new KeyValuePair<string, object?>("peer", "5002"));
            var histogram = meter.CreateHistogram<double>("gossip.propagation.delay", unit: "ms");
            histogram.Record(3);
            histogram.Record(12);
            meter.CreateObservableGauge("gossip.known.peers", () => 9);
            Assert.True(meterProvider.ForceFlush(10_000), "the metric exporter did not flush");
        }

        var logs = dashboard.Repository.GetLogs(new LogQuery(Resource: "otlp-log-test"));
        Assert.Equal(2, logs.TotalCount);
        var warning = logs.Items.Single(l => l.Level == OtlpLogLevel.Warning);
        Assert.Equal("Node 5003 picked Kim by Rudyard Kipling", warning.Message);
        Assert.Equal("5003", AttributeValues.GetString(warning.Attributes, "NodeId"));
        Assert.Equal(OtlpLogLevel.Error, logs.Items.Single(l => l.Message.StartsWith("Something failed", StringComparison.Ordinal)).Level);

        var instruments = dashboard.Repository.GetInstruments("otlp-metric-test");
        var sent = instruments.Single(i => i.Name == "gossip.messages.sent");
        Assert.Equal(OtlpInstrumentKind.Sum, sent.Kind);
        Assert.Equal(2, sent.Series.Count);
        Assert.Equal(5, sent.Series.Single(s => AttributeValues.GetString(s.Attributes, "peer") == "5001").Points[^1].Value);
        var delay = instruments.Single(i => i.Name == "gossip.propagation.delay");
        Assert.Equal(OtlpInstrumentKind.Histogram, delay.Kind);
        Assert.Equal("ms", delay.Unit);
        Assert.Equal(2, delay.Series[0].Points[^1].Value);
        Assert.Equal(15, delay.Series[0].Points[^1].Sum);
        Assert.Equal(9, instruments.Single(i => i.Name == "gossip.known.peers").Series[0].Points[^1].Value);
    }

    [Fact]
    public async Task Export_WithApiKeyMode_AcceptsPrimaryAndSecondaryKeysOnly()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output, new Dictionary<string, string?>
        {
            ["Dashboard:Otlp:AuthMode"] = "ApiKey",
            ["Dashboard:Otlp:PrimaryApiKey"] = "primary-key",
            ["Dashboard:Otlp:SecondaryApiKey"] = "secondary-key",
        });

        Assert.Equal(1, ExportOneSpan(dashboard, "grpc", "primary-key"));
        Assert.Equal(1, ExportOneSpan(dashboard, "http/protobuf", "secondary-key"));
        Assert.Equal(0, ExportOneSpan(dashboard, "grpc", "wrong-key"));
        Assert.Equal(0, ExportOneSpan(dashboard, "http/protobuf", null));
    }

    /// <summary>Exports one span with the given key and tells how many of its spans the dashboard stored.</summary>
    private static int ExportOneSpan(DashboardTestHost dashboard, string protocol, string? apiKey)
    {
        using var source = new ActivitySource("GossipAspire.Tests.Key." + Guid.NewGuid().ToString("N"));
        string traceId;
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.Clear().AddService("key-test"))
            .AddSource(source.Name)
            .AddOtlpExporter(o =>
            {
                ConfigureExporter(o, dashboard, protocol, "/v1/traces");
                if (apiKey is not null)
                {
                    o.Headers = $"x-otlp-api-key={apiKey}";
                }
            })
            .Build())
        {
            using (var activity = source.StartActivity("keyed")!)
            {
                traceId = activity.TraceId.ToHexString();
            }

            provider.ForceFlush(10_000);
        }

        return dashboard.Repository.GetTrace(traceId)?.Spans.Length ?? 0;
    }

    internal static void ConfigureExporter(OtlpExporterOptions options, DashboardTestHost dashboard, string protocol, string signalPath)
    {
        options.TimeoutMilliseconds = 10_000;
        options.ExportProcessorType = ExportProcessorType.Simple;
        if (protocol == "grpc")
        {
            options.Protocol = OtlpExportProtocol.Grpc;
            options.Endpoint = new Uri(dashboard.OtlpGrpcUrl);
        }
        else
        {
            options.Protocol = OtlpExportProtocol.HttpProtobuf;
            options.Endpoint = new Uri(dashboard.OtlpHttpUrl + signalPath);
        }
    }
}
