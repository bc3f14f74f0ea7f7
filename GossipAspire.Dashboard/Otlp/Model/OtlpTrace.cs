namespace GossipAspire.Dashboard.Otlp.Model;

/// <summary>
/// The spans of one trace received so far. Spans come in over many requests and in any order (children usually
/// end, and so arrive, before their parents); the trace keeps them sorted by start time. Guarded by the
/// repository's lock: read it through the snapshots the repository hands out.
/// </summary>
public sealed class OtlpTrace(string traceId)
{
    private readonly List<OtlpSpan> _spans = [];
    private readonly HashSet<string> _spanIds = [];

    public string TraceId { get; } = traceId;

    public IReadOnlyList<OtlpSpan> Spans => _spans;

    public DateTime StartTime { get; private set; } = DateTime.MaxValue;

    public DateTime EndTime { get; private set; } = DateTime.MinValue;

    /// <summary>The span without a parent, once it has arrived.</summary>
    public OtlpSpan? RootSpan { get; private set; }

    /// <summary>Bumped on every change, so views can tell whether to redraw.</summary>
    public long Version { get; private set; }

    public string Name => RootSpan?.Name ?? (_spans.Count > 0 ? _spans[0].Name : "");

    public TimeSpan Duration => _spans.Count == 0 ? TimeSpan.Zero : EndTime - StartTime;

    /// <summary>Adds a span; a repeated span id is ignored (an exporter retry), and false is returned.</summary>
    internal bool AddSpan(OtlpSpan span)
    {
        if (!_spanIds.Add(span.SpanId))
        {
            return false;
        }

        // Binary search from the end: most spans start after the ones already here.
        var index = _spans.Count;
        while (index > 0 && _spans[index - 1].StartTime > span.StartTime)
        {
            index--;
        }

        _spans.Insert(index, span);
        if (span.StartTime < StartTime)
        {
            StartTime = span.StartTime;
        }

        if (span.EndTime > EndTime)
        {
            EndTime = span.EndTime;
        }

        if (span.ParentSpanId.Length == 0)
        {
            RootSpan = span;
        }

        Version++;
        return true;
    }

    internal OtlpTraceSnapshot Snapshot() => new(TraceId, Name, StartTime, Duration, [.. _spans], Version);
}

/// <summary>An immutable copy of a trace, safe to read on any thread.</summary>
public sealed record OtlpTraceSnapshot(string TraceId, string Name, DateTime StartTime, TimeSpan Duration, OtlpSpan[] Spans, long Version)
{
    /// <summary>The resources that sent spans, in order of first span, with how many spans each sent.</summary>
    public IReadOnlyList<(OtlpResource Resource, int SpanCount)> SpansPerResource()
    {
        var result = new List<(OtlpResource, int)>();
        foreach (var group in Spans.GroupBy(s => s.Resource))
        {
            result.Add((group.Key, group.Count()));
        }

        return result;
    }
}
