using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using GossipAspire.Otlp.Collector.Trace.V1;
using GossipAspire.Otlp.Common.V1;
using GossipAspire.Otlp.Trace.V1;

namespace GossipAspire.Dashboard.Benchmarks;

/// <summary>
/// Export requests shaped like the cluster's telemetry: each book change is a trace of ten spans (a pick on the
/// origin, a receive on each other node), each node a resource, gossip.* attributes on every span. Built and
/// serialized once, up front, so the senders measure the dashboard and not themselves.
/// </summary>
public static class Payloads
{
    public const int SpansPerTrace = 10;

    /// <summary>
    /// Requests whose traces start after every trace sent before (one millisecond apart), as a live cluster's
    /// do: each new trace is the newest, so the store keeps it and evicts the oldest.
    /// </summary>
    public static List<byte[]> Create(bool json, int requests, int spansPerRequest, int seed, ref ulong nextStartNanos)
    {
        var result = new List<byte[]>(requests);
        for (var i = 0; i < requests; i++)
        {
            var request = Build(i, spansPerRequest, seed, nextStartNanos);
            nextStartNanos += (ulong)Math.Max(1, spansPerRequest / SpansPerTrace) * 1_000_000UL;
            result.Add(json ? Encoding.UTF8.GetBytes(ToOtlpJson(request)) : request.ToByteArray());
        }

        return result;
    }

    public static ExportTraceServiceRequest Build(int index, int spansPerRequest, int seed, ulong baseTime = 1_790_000_000_000_000_000UL)
    {
        var random = new Random(HashCode.Combine(index, seed));
        var traces = Math.Max(1, spansPerRequest / SpansPerTrace);
        var perNode = new Dictionary<int, ScopeSpans>();
        for (var t = 0; t < traces; t++)
        {
            var traceId = new byte[16];
            random.NextBytes(traceId);
            var rootId = new byte[8];
            random.NextBytes(rootId);
            var start = baseTime + (ulong)t * 1_000_000UL;
            for (var node = 0; node < SpansPerTrace; node++)
            {
                var spanId = node == 0 ? rootId : RandomId(random);
                var span = new Span
                {
                    TraceId = ByteString.CopyFrom(traceId),
                    SpanId = ByteString.CopyFrom(spanId),
                    ParentSpanId = node == 0 ? ByteString.Empty : ByteString.CopyFrom(rootId),
                    Name = node == 0 ? "gossip pick" : "gossip receive",
                    Kind = node == 0 ? Span.Types.SpanKind.Internal : Span.Types.SpanKind.Server,
                    StartTimeUnixNano = start + (ulong)node * 50_000UL,
                    EndTimeUnixNano = start + (ulong)node * 50_000UL + 40_000UL,
                    Status = new Status { Code = Status.Types.StatusCode.Ok },
                };
                span.Attributes.Add(Attribute("gossip.message.uuid", Guid.NewGuid().ToString()));
                span.Attributes.Add(Attribute("gossip.origin", "5001"));
                span.Attributes.Add(new KeyValue { Key = "gossip.version", Value = new AnyValue { IntValue = index * 1000 + t } });
                span.Attributes.Add(new KeyValue { Key = "gossip.ttl", Value = new AnyValue { IntValue = 3 } });
                span.Attributes.Add(new KeyValue { Key = "gossip.hop", Value = new AnyValue { IntValue = node == 0 ? 0 : 1 } });
                span.Attributes.Add(new KeyValue { Key = "gossip.duplicate", Value = new AnyValue { BoolValue = false } });
                span.Attributes.Add(Attribute("gossip.book", "Middlemarch by George Eliot"));
                if (!perNode.TryGetValue(node, out var scope))
                {
                    scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "GossipAspire.Node" } };
                    perNode[node] = scope;
                }

                scope.Spans.Add(span);
            }
        }

        var request = new ExportTraceServiceRequest();
        foreach (var (node, scope) in perNode)
        {
            var resource = new ResourceSpans { Resource = new() };
            resource.Resource.Attributes.Add(Attribute("service.name", $"node-{node + 1}"));
            resource.Resource.Attributes.Add(Attribute("service.instance.id", $"instance-{node + 1}"));
            resource.ScopeSpans.Add(scope);
            request.ResourceSpans.Add(resource);
        }

        return request;
    }

    public static int SpanCount(ExportTraceServiceRequest request) =>
        request.ResourceSpans.Sum(r => r.ScopeSpans.Sum(s => s.Spans.Count));

    /// <summary>OTLP/JSON: proto3 JSON, with trace and span ids as hex (the formatter writes base64).</summary>
    public static string ToOtlpJson(ExportTraceServiceRequest request)
    {
        var node = JsonNode.Parse(JsonFormatter.Default.Format(request))!;
        Rewrite(node);
        return node.ToJsonString();

        static void Rewrite(JsonNode node)
        {
            if (node is JsonObject obj)
            {
                foreach (var (key, value) in obj.ToList())
                {
                    if (value is null)
                    {
                        continue;
                    }

                    if (key is "traceId" or "spanId" or "parentSpanId")
                    {
                        obj[key] = Convert.ToHexStringLower(Convert.FromBase64String(value.GetValue<string>()));
                    }
                    else
                    {
                        Rewrite(value);
                    }
                }
            }
            else if (node is JsonArray array)
            {
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        Rewrite(item);
                    }
                }
            }
        }
    }

    private static KeyValue Attribute(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static byte[] RandomId(Random random)
    {
        var id = new byte[8];
        random.NextBytes(id);
        return id;
    }
}
