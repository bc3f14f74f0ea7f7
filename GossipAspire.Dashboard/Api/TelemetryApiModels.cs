using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace GossipAspire.Dashboard.Api;

public sealed record TraceSummary(string TraceId, string Name, DateTime Start, double DurationMs, int SpanCount, IReadOnlyList<string> Services);

public sealed record TraceDetail(string TraceId, IReadOnlyList<SpanDetail> Spans);

public sealed record SpanDetail(
    string SpanId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ParentSpanId,
    string Name,
    string Kind,
    string Service,
    string Instance,
    DateTime Start,
    DateTime End,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StatusMessage,
    JsonObject Attributes,
    IReadOnlyList<SpanEventDetail> Events,
    IReadOnlyList<SpanLinkDetail> Links);

public sealed record SpanEventDetail(string Name, DateTime Time, JsonObject Attributes);

public sealed record SpanLinkDetail(string TraceId, string SpanId, JsonObject Attributes);

public sealed record ResourceSummary(
    string Name,
    string Type,
    string State,
    string Health,
    IReadOnlyList<string> Urls,
    int? Pid,
    DateTime? StartedAt,
    int Restarts,
    string Source);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TraceSummary[]))]
[JsonSerializable(typeof(TraceDetail))]
[JsonSerializable(typeof(ResourceSummary[]))]
[JsonSerializable(typeof(GossipSummary))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails))]
public sealed partial class DashboardJsonContext : JsonSerializerContext;
