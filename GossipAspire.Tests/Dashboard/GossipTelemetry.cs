using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace GossipAspire.Tests.Dashboard;

/// <summary>
/// Gossip-shaped telemetry from the real OpenTelemetry SDK, one SDK pipeline per simulated node (its own
/// service.name and instance id), exported over OTLP/gRPC to a dashboard: what the nodes will send, for the
/// views to be tested before the node lands. One book change is one trace: a pick span on the origin, a
/// receive span on each node whose parent is the hop that sent it, with the gossip.* attributes.
/// </summary>
public sealed class GossipTelemetry : IDisposable
{
    private readonly List<TracerProvider> _tracers = [];
    private readonly List<ActivitySource> _sources = [];
    private readonly List<ILoggerFactory> _loggers = [];
    private readonly List<MeterProvider> _meters = [];
    private readonly List<Meter> _meterInstances = [];

    private readonly IReadOnlyList<string> _nodeIds;

    /// <param name="nodeIds">The protocol ids of the nodes (their ports); 5001, 5002, ... when not given.</param>
    public GossipTelemetry(string otlpGrpcUrl, int nodes, IReadOnlyList<string>? nodeIds = null)
    {
        _nodeIds = nodeIds ?? [.. Enumerable.Range(1, nodes).Select(k => (5000 + k).ToString(System.Globalization.CultureInfo.InvariantCulture))];
        for (var i = 1; i <= nodes; i++)
        {
            var serviceName = $"node-{i}";
            var source = new ActivitySource($"GossipAspire.Tests.Gossip.{Guid.NewGuid():N}");
            _sources.Add(source);
            void Resource(ResourceBuilder r) => r.Clear().AddService(serviceName, serviceInstanceId: $"{serviceName}-instance");
            void Exporter(OtlpExporterOptions o)
            {
                o.Endpoint = new Uri(otlpGrpcUrl);
                o.Protocol = OtlpExportProtocol.Grpc;
                o.ExportProcessorType = ExportProcessorType.Simple;
            }

            _tracers.Add(Sdk.CreateTracerProviderBuilder().ConfigureResource(Resource).AddSource(source.Name).AddOtlpExporter(Exporter).Build());
            _loggers.Add(LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel =>
            {
                var builder = ResourceBuilder.CreateEmpty();
                Resource(builder);
                otel.SetResourceBuilder(builder);
                otel.IncludeFormattedMessage = true;
                otel.AddOtlpExporter((o, processor) =>
                {
                    Exporter(o);
                    processor.ExportProcessorType = ExportProcessorType.Simple;
                });
            })));
            var meter = new Meter($"GossipAspire.Tests.Meter.{Guid.NewGuid():N}");
            _meterInstances.Add(meter);
            _meters.Add(Sdk.CreateMeterProviderBuilder().ConfigureResource(Resource).AddMeter(meter.Name)
                .AddOtlpExporter((o, reader) =>
                {
                    Exporter(o);
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 600_000;
                })
                .Build());
        }
    }

    public int Nodes => _sources.Count;

    /// <summary>Node k's id as the protocol names it (1-based).</summary>
    public string NodeId(int node) => _nodeIds[node - 1];

    /// <summary>
    /// One book change from node <paramref name="origin"/> spreading as a tree: the origin sends to two nodes,
    /// each forwards onward; the last node also gets a duplicate. Returns the trace id.
    /// </summary>
    public string EmitBookChange(int origin, long version, string book)
    {
        var order = Enumerable.Range(1, Nodes).Where(n => n != origin).ToList();
        string traceId;
        var receive = new Dictionary<int, ActivityContext>();
        var hops = new Dictionary<int, int> { [origin] = 0 };
        using (var pick = _sources[origin - 1].StartActivity("gossip pick", ActivityKind.Internal)!)
        {
            traceId = pick.TraceId.ToHexString();
            Tag(pick, origin, origin, version, book, ttl: 3, hop: 0, duplicate: false);
            receive[origin] = pick.Context;
            var parents = new Queue<int>([origin, origin]);
            foreach (var node in order)
            {
                Thread.Sleep(2);
                var from = parents.Dequeue();
                using var span = _sources[node - 1].StartActivity("gossip receive", ActivityKind.Server, receive[from])!;
                var hop = hops[from] + 1;
                hops[node] = hop;
                Tag(span, node, origin, version, book, ttl: 3 - hop, hop: hop, duplicate: false);
                receive[node] = span.Context;
                parents.Enqueue(node);
                parents.Enqueue(node);
            }

            using var duplicate = _sources[order[^1] - 1].StartActivity("gossip receive", ActivityKind.Server, receive[order[0]])!;
            Tag(duplicate, order[^1], origin, version, book, ttl: 3 - hops[order[0]] - 1, hop: hops[order[0]] + 1, duplicate: true);
        }

        Flush();
        return traceId;
    }

    public void Log(int node, LogLevel level, string message, params object?[] args)
    {
        var logger = _loggers[node - 1].CreateLogger("GossipAspire.Node.Gossip");
#pragma warning disable CA2254 // the template is the caller's
        logger.Log(level, message, args);
#pragma warning restore CA2254
    }

    public void RecordMetrics(int node, int messages, double[] delays)
    {
        var meter = _meterInstances[node - 1];
        var counter = meter.CreateCounter<long>("gossip.messages.received", "{message}", "Gossip messages received");
        counter.Add(messages);
        var histogram = meter.CreateHistogram<double>("gossip.propagation.delay", "ms", "Origin pick to local arrival");
        foreach (var delay in delays)
        {
            histogram.Record(delay);
        }

        _meters[node - 1].ForceFlush(10_000);
    }

    public void Flush()
    {
        foreach (var tracer in _tracers)
        {
            tracer.ForceFlush(10_000);
        }
    }

    private void Tag(Activity activity, int node, int origin, long version, string book, int ttl, int hop, bool duplicate)
    {
        activity.SetTag("gossip.message.uuid", Guid.NewGuid().ToString());
        activity.SetTag("gossip.origin", NodeId(origin));
        activity.SetTag("gossip.version", version);
        activity.SetTag("gossip.ttl", (long)ttl);
        activity.SetTag("gossip.hop", (long)hop);
        activity.SetTag("gossip.duplicate", duplicate);
        activity.SetTag("gossip.book", book);
        activity.SetTag("gossip.node", NodeId(node));
    }

    public void Dispose()
    {
        _tracers.ForEach(t => t.Dispose());
        _sources.ForEach(s => s.Dispose());
        _loggers.ForEach(l => l.Dispose());
        _meters.ForEach(m => m.Dispose());
        _meterInstances.ForEach(m => m.Dispose());
    }
}
