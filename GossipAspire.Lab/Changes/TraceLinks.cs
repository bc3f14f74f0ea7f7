using GossipAspire.Lab.Configuration;
using Microsoft.Extensions.Options;

namespace GossipAspire.Lab.Changes;

/// <summary>
/// Links a change to its trace in the Aspire dashboard: <c>{Lab:DashboardUrl}/traces/detail/{traceId}</c>.
/// Without a dashboard URL, or without a trace id from the nodes, there is no link, and <see cref="WhyNone"/> says why.
/// </summary>
public sealed class TraceLinks(IOptions<LabOptions> options)
{
    private readonly string? _dashboard = options.Value.DashboardUrl is { Length: > 0 } url ? url.TrimEnd('/') : null;

    public bool HasDashboard => _dashboard is not null;

    public string? For(string? traceId) => _dashboard is not null && traceId is not null ? $"{_dashboard}/traces/detail/{traceId}" : null;

    public string WhyNone(string? traceId) =>
        _dashboard is null
            ? "No trace link: the Lab was not given the Aspire dashboard's URL (Lab:DashboardUrl)."
            : traceId is null
                ? "No trace link: the nodes gave no trace id for this change (tracing off, or an older node)."
                : "";
}
