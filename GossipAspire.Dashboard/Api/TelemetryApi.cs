using GossipAspire.Dashboard.Authentication;
using GossipAspire.Dashboard.Otlp.Model;
using GossipAspire.Dashboard.Otlp.Storage;
using GossipAspire.Dashboard.Resources;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GossipAspire.Dashboard.Api;

/// <summary>
/// The dashboard's data as JSON, for tools and tests: trace summaries, whole traces, resources. Same auth as
/// the UI (the browser cookie, or <c>Authorization: Bearer TOKEN</c>).
/// </summary>
public static class TelemetryApi
{
    public const int MaxLimit = 10_000;

    public static RouteGroupBuilder MapTelemetryApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/telemetry").RequireAuthorization(FrontendAuthentication.PolicyName);

        group.MapGet("/traces", GetTraces);
        group.MapGet("/traces/{traceId}", GetTrace);
        group.MapGet("/resources", GetResources);

        return group;
    }

    public static Results<Ok<TraceSummary[]>, ValidationProblem> GetTraces(TelemetryRepository repository, string? service, string? limit)
    {
        var take = 100;
        if (limit is not null && (!int.TryParse(limit, out take) || take < 1 || take > MaxLimit))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["limit"] = [$"limit must be a whole number from 1 to {MaxLimit} (got '{limit}')."],
            });
        }

        var traces = repository.GetTraces(new TraceQuery(Resource: string.IsNullOrWhiteSpace(service) ? null : service, Limit: take));
        return TypedResults.Ok(traces.Items.Select(ToSummary).ToArray());
    }

    public static Results<Ok<TraceDetail>, ProblemHttpResult, ValidationProblem> GetTrace(TelemetryRepository repository, string traceId)
    {
        var id = traceId.ToLowerInvariant();
        if (id.Length != 32 || !id.All(Uri.IsHexDigit))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["traceId"] = [$"A trace id is 32 hex digits (got '{traceId}')."],
            });
        }

        var trace = repository.GetTrace(id);
        if (trace is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Trace not found",
                detail: $"No trace {id} is stored (it may not have arrived yet, or was evicted by Dashboard:TelemetryLimits:MaxTraceCount).");
        }

        return TypedResults.Ok(new TraceDetail(trace.TraceId, [.. trace.Spans.Select(ToDetail)]));
    }

    public static Ok<ResourceSummary[]> GetResources(ResourceCatalog catalog) =>
        TypedResults.Ok(catalog.GetResources().Select(r => new ResourceSummary(
            r.Name, r.ResourceType, r.State, r.HealthStatus, [.. r.Urls.Select(u => u.FullUrl)], r.Pid, r.StartedAt, r.RestartCount, r.Source)).ToArray());

    public static TraceSummary ToSummary(OtlpTraceSnapshot trace) => new(
        trace.TraceId,
        trace.Name,
        trace.StartTime,
        trace.Duration.TotalMilliseconds,
        trace.Spans.Length,
        [.. trace.SpansPerResource().Select(r => r.Resource.DisplayName)]);

    public static SpanDetail ToDetail(OtlpSpan span) => new(
        span.SpanId,
        span.ParentSpanId.Length == 0 ? null : span.ParentSpanId,
        span.Name,
        span.Kind.ToString(),
        span.Resource.DisplayName,
        span.Resource.InstanceId,
        span.StartTime,
        span.EndTime,
        span.Status.ToString(),
        span.StatusMessage,
        AttributeValues.ToJsonObject(span.Attributes),
        [.. span.Events.Select(e => new SpanEventDetail(e.Name, e.Time, AttributeValues.ToJsonObject(e.Attributes)))],
        [.. span.Links.Select(l => new SpanLinkDetail(l.TraceId, l.SpanId, AttributeValues.ToJsonObject(l.Attributes)))]);
}
