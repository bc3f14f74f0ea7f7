using GossipAspire.Dashboard.Otlp.Model;
using GossipAspire.Dashboard.Otlp.Storage;
using GossipAspire.Otlp.Collector.Logs.V1;
using GossipAspire.Otlp.Collector.Metrics.V1;
using GossipAspire.Otlp.Collector.Trace.V1;
using GossipAspire.Otlp.Metrics.V1;
using GossipAspire.Otlp.Trace.V1;
using ProtoResource = GossipAspire.Otlp.Resource.V1.Resource;

namespace GossipAspire.Dashboard.Otlp;

/// <summary>
/// The one ingestion path behind OTLP/gRPC, OTLP/HTTP protobuf and OTLP/HTTP JSON: converts the export
/// request into the dashboard's model (applying the attribute limits), stores it, and reports partial success
/// for the items it had to refuse (a span without a valid trace or span id, for example). The transports only
/// decode and answer.
/// </summary>
public sealed class OtlpIngestService(TelemetryRepository repository, DashboardTelemetry telemetry)
{
    private const string UnknownService = "unknown_service";

    public ExportTraceServiceResponse Export(ExportTraceServiceRequest request)
    {
        var limits = repository.Limits;
        var spans = new List<OtlpSpan>();
        var rejected = 0L;
        string? firstError = null;
        // Spans of one trace share one id string (a batch holds many spans per trace).
        var traceIds = new Dictionary<Google.Protobuf.ByteString, string>();

        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resource = GetResource(resourceSpans.Resource);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scopeName = StringPool.Get(scopeSpans.Scope?.Name ?? "");
                foreach (var span in scopeSpans.Spans)
                {
                    var error = ValidateIds(span.TraceId.Length, span.SpanId.Length, span.ParentSpanId.Length);
                    if (error is not null)
                    {
                        rejected++;
                        firstError ??= $"span '{span.Name}': {error}";
                        continue;
                    }

                    spans.Add(new OtlpSpan
                    {
                        TraceId = traceIds.TryGetValue(span.TraceId, out var traceId) ? traceId : traceIds[span.TraceId] = AttributeValues.HexId(span.TraceId),
                        SpanId = AttributeValues.HexId(span.SpanId),
                        ParentSpanId = AttributeValues.HexId(span.ParentSpanId),
                        Name = StringPool.Get(span.Name),
                        Kind = (OtlpSpanKind)Math.Clamp((int)span.Kind, 0, 5),
                        StartTime = FromUnixNano(span.StartTimeUnixNano),
                        EndTime = FromUnixNano(Math.Max(span.EndTimeUnixNano, span.StartTimeUnixNano)),
                        Status = span.Status is null ? OtlpSpanStatusCode.Unset : (OtlpSpanStatusCode)Math.Clamp((int)span.Status.Code, 0, 2),
                        StatusMessage = string.IsNullOrEmpty(span.Status?.Message) ? null : span.Status.Message,
                        Attributes = AttributeValues.Convert(span.Attributes, limits.MaxAttributeCount, limits.MaxAttributeLength),
                        Events = ConvertEvents(span.Events, limits),
                        Links = [.. span.Links.Select(l => new OtlpSpanLink(
                            AttributeValues.HexId(l.TraceId),
                            AttributeValues.HexId(l.SpanId),
                            string.IsNullOrEmpty(l.TraceState) ? null : l.TraceState,
                            AttributeValues.Convert(l.Attributes, limits.MaxAttributeCount, limits.MaxAttributeLength)))],
                        Resource = resource,
                        ScopeName = scopeName,
                        TraceState = string.IsNullOrEmpty(span.TraceState) ? null : span.TraceState,
                    });
                }
            }
        }

        repository.AddSpans(spans);
        telemetry.SpansReceived(spans.Count, rejected);

        var response = new ExportTraceServiceResponse();
        if (rejected > 0)
        {
            response.PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = rejected, ErrorMessage = firstError };
        }

        return response;
    }

    public ExportLogsServiceResponse Export(ExportLogsServiceRequest request)
    {
        var limits = repository.Limits;
        var entries = new List<OtlpLogEntry>();
        var rejected = 0L;
        string? firstError = null;

        foreach (var resourceLogs in request.ResourceLogs)
        {
            var resource = GetResource(resourceLogs.Resource);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                var scopeName = scopeLogs.Scope?.Name ?? "";
                foreach (var record in scopeLogs.LogRecords)
                {
                    var error = ValidateOptionalIds(record.TraceId.Length, record.SpanId.Length);
                    if (error is not null)
                    {
                        rejected++;
                        firstError ??= $"log record: {error}";
                        continue;
                    }

                    var attributes = AttributeValues.Convert(record.Attributes, limits.MaxAttributeCount, limits.MaxAttributeLength);
                    var time = record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano;
                    entries.Add(new OtlpLogEntry
                    {
                        Sequence = repository.NextLogSequence(),
                        Time = time == 0 ? DateTime.UtcNow : FromUnixNano(time),
                        Level = OtlpLogEntry.LevelFromSeverity((int)record.SeverityNumber),
                        SeverityText = record.SeverityText,
                        Message = LogMessageFormatter.Format(AttributeValues.ToDisplayString(AttributeValues.Convert(record.Body, limits.MaxAttributeLength)), attributes),
                        Attributes = attributes,
                        TraceId = AttributeValues.HexId(record.TraceId),
                        SpanId = AttributeValues.HexId(record.SpanId),
                        Resource = resource,
                        ScopeName = scopeName,
                        EventName = string.IsNullOrEmpty(record.EventName) ? null : record.EventName,
                    });
                }
            }
        }

        repository.AddLogs(entries);
        telemetry.LogsReceived(entries.Count, rejected);

        var response = new ExportLogsServiceResponse();
        if (rejected > 0)
        {
            response.PartialSuccess = new ExportLogsPartialSuccess { RejectedLogRecords = rejected, ErrorMessage = firstError };
        }

        return response;
    }

    public ExportMetricsServiceResponse Export(ExportMetricsServiceRequest request)
    {
        var limits = repository.Limits;
        var updates = new List<TelemetryRepository.MetricPointUpdate>();
        var rejected = 0L;
        string? firstError = null;

        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var resource = GetResource(resourceMetrics.Resource);
            foreach (var scopeMetrics in resourceMetrics.ScopeMetrics)
            {
                var scope = scopeMetrics.Scope?.Name ?? "";
                foreach (var metric in scopeMetrics.Metrics)
                {
                    if (string.IsNullOrEmpty(metric.Name))
                    {
                        rejected += CountPoints(metric);
                        firstError ??= "a metric without a name";
                        continue;
                    }

                    void Add(OtlpInstrumentKind kind, Google.Protobuf.Collections.RepeatedField<GossipAspire.Otlp.Common.V1.KeyValue> attributes, OtlpMetricPoint point) =>
                        updates.Add(new(resource, scope, metric.Name, metric.Description, metric.Unit, kind,
                            AttributeValues.Convert(attributes, limits.MaxAttributeCount, limits.MaxAttributeLength), point));

                    switch (metric.DataCase)
                    {
                        case Metric.DataOneofCase.Gauge:
                            foreach (var p in metric.Gauge.DataPoints)
                            {
                                Add(OtlpInstrumentKind.Gauge, p.Attributes, new(FromUnixNano(p.TimeUnixNano), NumberValue(p)));
                            }

                            break;
                        case Metric.DataOneofCase.Sum:
                            foreach (var p in metric.Sum.DataPoints)
                            {
                                Add(OtlpInstrumentKind.Sum, p.Attributes, new(FromUnixNano(p.TimeUnixNano), NumberValue(p)));
                            }

                            break;
                        case Metric.DataOneofCase.Histogram:
                            foreach (var p in metric.Histogram.DataPoints)
                            {
                                Add(OtlpInstrumentKind.Histogram, p.Attributes, new(FromUnixNano(p.TimeUnixNano), p.Count,
                                    p.HasSum ? p.Sum : null, [.. p.ExplicitBounds], [.. p.BucketCounts]));
                            }

                            break;
                        case Metric.DataOneofCase.ExponentialHistogram:
                            foreach (var p in metric.ExponentialHistogram.DataPoints)
                            {
                                Add(OtlpInstrumentKind.ExponentialHistogram, p.Attributes, new(FromUnixNano(p.TimeUnixNano), p.Count, p.HasSum ? p.Sum : null));
                            }

                            break;
                        case Metric.DataOneofCase.Summary:
                            foreach (var p in metric.Summary.DataPoints)
                            {
                                Add(OtlpInstrumentKind.Summary, p.Attributes, new(FromUnixNano(p.TimeUnixNano), p.Count, p.Sum));
                            }

                            break;
                    }
                }
            }
        }

        var refused = repository.AddMetricPoints(updates);
        if (refused > 0)
        {
            rejected += refused;
            firstError ??= $"{refused} points belong to new attribute sets of instruments that already have Dashboard:TelemetryLimits:MaxSeriesPerInstrument ({repository.Limits.MaxSeriesPerInstrument}) series";
        }

        telemetry.MetricPointsReceived(updates.Count - refused, rejected);

        var response = new ExportMetricsServiceResponse();
        if (rejected > 0)
        {
            response.PartialSuccess = new ExportMetricsPartialSuccess { RejectedDataPoints = rejected, ErrorMessage = firstError };
        }

        return response;
    }

    private OtlpResource GetResource(ProtoResource? resource)
    {
        string? serviceName = null;
        string? instanceId = null;
        if (resource is not null)
        {
            foreach (var attribute in resource.Attributes)
            {
                if (attribute.Key == "service.name")
                {
                    serviceName = attribute.Value?.StringValue;
                }
                else if (attribute.Key == "service.instance.id")
                {
                    instanceId = attribute.Value?.StringValue;
                }
            }
        }

        var limits = repository.Limits;
        return repository.GetOrAddResource(
            string.IsNullOrEmpty(serviceName) ? UnknownService : serviceName,
            instanceId ?? "",
            () => resource is null ? [] : AttributeValues.Convert(resource.Attributes, limits.MaxAttributeCount, limits.MaxAttributeLength));
    }

    private static OtlpSpanEvent[] ConvertEvents(Google.Protobuf.Collections.RepeatedField<Span.Types.Event> events, Configuration.TelemetryLimitOptions limits)
    {
        if (events.Count == 0)
        {
            return [];
        }

        var count = Math.Min(events.Count, limits.MaxSpanEventCount);
        var result = new OtlpSpanEvent[count];
        for (var i = 0; i < count; i++)
        {
            var e = events[i];
            result[i] = new OtlpSpanEvent(e.Name, FromUnixNano(e.TimeUnixNano), AttributeValues.Convert(e.Attributes, limits.MaxAttributeCount, limits.MaxAttributeLength));
        }

        return result;
    }

    private static string? ValidateIds(int traceIdLength, int spanIdLength, int parentIdLength) =>
        traceIdLength != 16 ? $"trace id must be 16 bytes (got {traceIdLength})"
        : spanIdLength != 8 ? $"span id must be 8 bytes (got {spanIdLength})"
        : parentIdLength is not (0 or 8) ? $"parent span id must be empty or 8 bytes (got {parentIdLength})"
        : null;

    private static string? ValidateOptionalIds(int traceIdLength, int spanIdLength) =>
        traceIdLength is not (0 or 16) ? $"trace id must be empty or 16 bytes (got {traceIdLength})"
        : spanIdLength is not (0 or 8) ? $"span id must be empty or 8 bytes (got {spanIdLength})"
        : null;

    private static double NumberValue(NumberDataPoint point) =>
        point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble;

    private static long CountPoints(Metric metric) => metric.DataCase switch
    {
        Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Count,
        Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Count,
        Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Count,
        Metric.DataOneofCase.ExponentialHistogram => metric.ExponentialHistogram.DataPoints.Count,
        Metric.DataOneofCase.Summary => metric.Summary.DataPoints.Count,
        _ => 0,
    };

    public static DateTime FromUnixNano(ulong unixNano) =>
        DateTime.UnixEpoch.AddTicks((long)Math.Min(unixNano / 100, (ulong)(DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks)));
}
