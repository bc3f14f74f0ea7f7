using System.Globalization;
using GossipAspire.Dashboard.Gossip;
using GossipAspire.Dashboard.Otlp.Model;
using GossipAspire.Dashboard.Otlp.Storage;
using Microsoft.AspNetCore.Components;

namespace GossipAspire.Dashboard.Components.Pages;

public partial class TraceDetail : IDisposable
{
    private OtlpTraceSnapshot? _trace;
    private List<(OtlpSpan Span, int Depth)> _rows = [];
    private OtlpSpan? _selected;
    private bool _isGossip;
    private Subscription? _subscription;

    [Parameter]
    public required string TraceId { get; set; }

    [Inject]
    public required TelemetryRepository Repository { get; init; }

    protected override void OnInitialized()
    {
        _subscription = Repository.Subscribe(TelemetryKind.Traces, () => InvokeAsync(() =>
        {
            var latest = Repository.GetTrace(TraceId.ToLowerInvariant());
            if (latest?.Version != _trace?.Version)
            {
                Load(latest);
                StateHasChanged();
            }
        }));
    }

    protected override void OnParametersSet() => Load(Repository.GetTrace(TraceId.ToLowerInvariant()));

    private void Load(OtlpTraceSnapshot? trace)
    {
        _trace = trace;
        _rows = trace is null ? [] : Order(trace);
        _isGossip = trace is not null && trace.Spans.Any(PropagationTree.IsGossipSpan);
        if (_selected is not null && trace is not null)
        {
            _selected = trace.Spans.FirstOrDefault(s => s.SpanId == _selected.SpanId);
        }
    }

    /// <summary>Depth-first, children by start time; spans whose parent has not arrived start their own branch.</summary>
    private static List<(OtlpSpan, int)> Order(OtlpTraceSnapshot trace)
    {
        var ids = trace.Spans.Select(s => s.SpanId).ToHashSet();
        var children = trace.Spans.Where(s => s.ParentSpanId.Length > 0 && ids.Contains(s.ParentSpanId)).ToLookup(s => s.ParentSpanId);
        var result = new List<(OtlpSpan, int)>(trace.Spans.Length);
        void Walk(OtlpSpan span, int depth)
        {
            result.Add((span, depth));
            foreach (var child in children[span.SpanId].OrderBy(c => c.StartTime))
            {
                Walk(child, depth + 1);
            }
        }

        foreach (var top in trace.Spans.Where(s => s.ParentSpanId.Length == 0 || !ids.Contains(s.ParentSpanId)).OrderBy(s => s.StartTime))
        {
            Walk(top, 0);
        }

        return result;
    }

    private string Percent(TimeSpan offset) =>
        (_trace is null || _trace.Duration <= TimeSpan.Zero ? 0 : offset / _trace.Duration * 100).ToString("0.###", CultureInfo.InvariantCulture);

    private string Width(OtlpSpan span) =>
        (_trace is null || _trace.Duration <= TimeSpan.Zero ? 100 : Math.Max(0.3, span.Duration / _trace.Duration * 100)).ToString("0.###", CultureInfo.InvariantCulture);

    public void Dispose() => _subscription?.Dispose();
}
