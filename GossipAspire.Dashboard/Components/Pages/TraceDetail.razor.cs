using System.Globalization;
using GossipAspire.Dashboard.Gossip;
using GossipAspire.Dashboard.Otlp.Model;

namespace GossipAspire.Dashboard.Components.Pages;

public partial class TraceDetail
{
    private List<(OtlpSpan Span, int Depth)> _rows = [];
    private OtlpSpan? _selected;
    private bool _isGossip;

    protected override void OnTraceLoaded(OtlpTraceSnapshot? trace)
    {
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
        (Trace is null || Trace.Duration <= TimeSpan.Zero ? 0 : offset / Trace.Duration * 100).ToString("0.###", CultureInfo.InvariantCulture);

    private string Width(OtlpSpan span) =>
        (Trace is null || Trace.Duration <= TimeSpan.Zero ? 100 : Math.Max(0.3, span.Duration / Trace.Duration * 100)).ToString("0.###", CultureInfo.InvariantCulture);
}
