using GossipAspire.Dashboard.Configuration;
using GossipAspire.Dashboard.Gossip;
using GossipAspire.Dashboard.Otlp.Model;
using GossipAspire.Dashboard.Resources;
using Microsoft.Extensions.Options;

namespace GossipAspire.Dashboard.Otlp.Storage;

public sealed record TraceQuery(string? Resource = null, string? NameContains = null, TimeSpan? MinDuration = null, int Offset = 0, int Limit = 100);

public sealed record LogQuery(string? Resource = null, OtlpLogLevel? MinLevel = null, string? Text = null, string? TraceId = null, int Limit = 500);

public sealed record PagedResult<T>(IReadOnlyList<T> Items, int TotalCount);

/// <summary>
/// The dashboard's in-memory store: resources, traces, logs and metrics, each bounded by
/// <c>Dashboard:TelemetryLimits</c>, the oldest dropped first. One lock guards it all; writers convert outside
/// the lock and hold it only to link the results in, readers get immutable snapshots. Subscribers hear of
/// changes through throttled <see cref="Subscription"/>s.
/// </summary>
public sealed partial class TelemetryRepository
{
    private readonly Lock _lock = new();
    private readonly TelemetryLimitOptions _limits;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<TelemetryRepository> _logger;

    private readonly Dictionary<string, OtlpResource> _resources = [];
    private readonly Dictionary<string, OtlpTrace> _traces = [];
    private readonly List<OtlpTrace> _tracesByStart = [];
    private readonly Dictionary<(string Origin, long Version), string> _changeTraces = [];
    private readonly Dictionary<string, (string Origin, long Version)> _traceChanges = [];
    private readonly Queue<OtlpLogEntry> _logs = new();
    private readonly Dictionary<(string ResourceKey, string Scope, string Name), OtlpInstrument> _instruments = [];
    private readonly Dictionary<TelemetryKind, List<Subscription>> _subscriptions = [];
    private long _spanCount;
    private long _logSequence;

    public TelemetryRepository(IOptions<DashboardOptions> options, TimeProvider timeProvider, ILogger<TelemetryRepository> logger)
    {
        _limits = options.Value.TelemetryLimits;
        _timeProvider = timeProvider;
        _logger = logger;
        foreach (var kind in Enum.GetValues<TelemetryKind>())
        {
            _subscriptions[kind] = [];
        }
    }

    public TelemetryLimitOptions Limits => _limits;

    public int TraceCount
    {
        get
        {
            lock (_lock)
            {
                return _traces.Count;
            }
        }
    }

    public long SpanCount
    {
        get
        {
            lock (_lock)
            {
                return _spanCount;
            }
        }
    }

    public int LogCount
    {
        get
        {
            lock (_lock)
            {
                return _logs.Count;
            }
        }
    }

    // ---- resources ----

    /// <summary>Finds or adds the resource for these attributes; the caller reuses it for the whole batch.</summary>
    public OtlpResource GetOrAddResource(string serviceName, string instanceId, Func<KeyValuePair<string, object?>[]> attributes)
    {
        var key = OtlpResource.Key(serviceName, instanceId);
        bool added;
        OtlpResource? resource;
        lock (_lock)
        {
            added = !_resources.TryGetValue(key, out resource);
            if (added)
            {
                resource = new OtlpResource(serviceName, instanceId, attributes());
                _resources.Add(key, resource);
                RenameInstances(serviceName);
            }
        }

        if (added)
        {
            Notify(TelemetryKind.Resources);
        }

        return resource!;
    }

    public IReadOnlyList<OtlpResource> GetResources()
    {
        lock (_lock)
        {
            return [.. _resources.Values.OrderBy(r => r.DisplayName, ResourceNameComparer.Instance)];
        }
    }

    private void RenameInstances(string serviceName)
    {
        var instances = _resources.Values.Where(r => r.ServiceName == serviceName).ToList();
        foreach (var instance in instances)
        {
            instance.DisplayName = instances.Count == 1 || instance.InstanceId.Length == 0
                ? serviceName
                : $"{serviceName}-{instance.InstanceId[..Math.Min(8, instance.InstanceId.Length)]}";
        }
    }

    private static bool MatchesResource(OtlpResource resource, string name) =>
        resource.DisplayName == name || resource.ServiceName == name;

    // ---- traces ----

    /// <summary>Links converted spans in; returns how many were new (repeats of a span id are ignored).</summary>
    public int AddSpans(IReadOnlyList<OtlpSpan> spans)
    {
        var added = 0;
        lock (_lock)
        {
            foreach (var span in spans)
            {
                if (!_traces.TryGetValue(span.TraceId, out var trace))
                {
                    trace = new OtlpTrace(span.TraceId);
                    _traces.Add(span.TraceId, trace);
                    InsertByStart(trace, span.StartTime);
                }
                else if (trace.Spans.Count >= _limits.MaxSpansPerTrace)
                {
                    continue;
                }

                var oldStart = trace.StartTime;
                if (!trace.AddSpan(span))
                {
                    continue;
                }

                added++;
                _spanCount++;
                if (trace.StartTime != oldStart && trace.Spans.Count > 1)
                {
                    // An earlier span (usually the root, which ends last) moved the trace back in time.
                    _tracesByStart.Remove(trace);
                    InsertByStart(trace, trace.StartTime);
                }

                IndexGossipChange(trace, span);
            }

            while (_traces.Count > _limits.MaxTraceCount || (_spanCount > _limits.MaxSpanCount && _tracesByStart.Count > 1))
            {
                EvictOldestTrace();
            }
        }

        if (added > 0)
        {
            Notify(TelemetryKind.Traces);
        }

        return added;
    }

    private void InsertByStart(OtlpTrace trace, DateTime start)
    {
        var index = _tracesByStart.Count;
        while (index > 0 && _tracesByStart[index - 1].StartTime > start)
        {
            index--;
        }

        _tracesByStart.Insert(index, trace);
    }

    private void EvictOldestTrace()
    {
        var oldest = _tracesByStart[0];
        _tracesByStart.RemoveAt(0);
        _traces.Remove(oldest.TraceId);
        _spanCount -= oldest.Spans.Count;
        if (_traceChanges.Remove(oldest.TraceId, out var change)
            && _changeTraces.TryGetValue(change, out var traceId) && traceId == oldest.TraceId)
        {
            _changeTraces.Remove(change);
        }
    }

    private void IndexGossipChange(OtlpTrace trace, OtlpSpan span)
    {
        if (_traceChanges.ContainsKey(trace.TraceId))
        {
            return;
        }

        var origin = span.GetAttribute(GossipAttributes.Origin);
        var version = GossipAttributes.AsLong(span.GetAttribute(GossipAttributes.Version));
        if (origin is null || version is null)
        {
            return;
        }

        var key = (AttributeValues.ToDisplayString(origin), version.Value);
        _changeTraces.TryAdd(key, trace.TraceId);
        _traceChanges[trace.TraceId] = key;
    }

    /// <summary>The trace of one book change (origin + version), if it is still stored.</summary>
    public string? FindChangeTrace(string origin, long version)
    {
        lock (_lock)
        {
            return _changeTraces.GetValueOrDefault((origin, version));
        }
    }

    public OtlpTraceSnapshot? GetTrace(string traceId)
    {
        lock (_lock)
        {
            return _traces.TryGetValue(traceId, out var trace) ? trace.Snapshot() : null;
        }
    }

    /// <summary>Newest first; only the requested page is copied.</summary>
    public PagedResult<OtlpTraceSnapshot> GetTraces(TraceQuery query)
    {
        var page = new List<OtlpTraceSnapshot>(Math.Min(query.Limit, 1000));
        var total = 0;
        lock (_lock)
        {
            for (var i = _tracesByStart.Count - 1; i >= 0; i--)
            {
                var trace = _tracesByStart[i];
                if (!Matches(trace, query))
                {
                    continue;
                }

                if (total >= query.Offset && page.Count < query.Limit)
                {
                    page.Add(trace.Snapshot());
                }

                total++;
            }
        }

        return new PagedResult<OtlpTraceSnapshot>(page, total);
    }

    private static bool Matches(OtlpTrace trace, TraceQuery query)
    {
        if (query.MinDuration is { } minDuration && trace.Duration < minDuration)
        {
            return false;
        }

        if (!string.IsNullOrEmpty(query.NameContains) && !trace.Name.Contains(query.NameContains, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!string.IsNullOrEmpty(query.Resource))
        {
            foreach (var span in trace.Spans)
            {
                if (MatchesResource(span.Resource, query.Resource))
                {
                    return true;
                }
            }

            return false;
        }

        return true;
    }

    // ---- logs ----

    public void AddLogs(IReadOnlyList<OtlpLogEntry> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            foreach (var entry in entries)
            {
                _logs.Enqueue(entry);
            }

            while (_logs.Count > _limits.MaxLogCount)
            {
                _logs.Dequeue();
            }
        }

        Notify(TelemetryKind.Logs);
    }

    public long NextLogSequence() => Interlocked.Increment(ref _logSequence);

    /// <summary>Newest first.</summary>
    public PagedResult<OtlpLogEntry> GetLogs(LogQuery query)
    {
        var page = new List<OtlpLogEntry>();
        var total = 0;
        lock (_lock)
        {
            foreach (var entry in _logs.Reverse())
            {
                if (!Matches(entry, query))
                {
                    continue;
                }

                if (page.Count < query.Limit)
                {
                    page.Add(entry);
                }

                total++;
            }
        }

        return new PagedResult<OtlpLogEntry>(page, total);
    }

    private static bool Matches(OtlpLogEntry entry, LogQuery query) =>
        (string.IsNullOrEmpty(query.Resource) || MatchesResource(entry.Resource, query.Resource))
        && (query.MinLevel is null || entry.Level >= query.MinLevel)
        && (string.IsNullOrEmpty(query.TraceId) || entry.TraceId == query.TraceId)
        && (string.IsNullOrEmpty(query.Text)
            || entry.Message.Contains(query.Text, StringComparison.OrdinalIgnoreCase)
            || entry.ScopeName.Contains(query.Text, StringComparison.OrdinalIgnoreCase)
            || entry.Attributes.Any(a => AttributeValues.ToDisplayString(a.Value).Contains(query.Text, StringComparison.OrdinalIgnoreCase)));

    // ---- metrics ----

    /// <summary>A point to add: which instrument and series, and the point itself.</summary>
    public sealed record MetricPointUpdate(
        OtlpResource Resource, string Scope, string Name, string Description, string Unit, OtlpInstrumentKind Kind,
        KeyValuePair<string, object?>[] Attributes, OtlpMetricPoint Point);

    /// <summary>Stores the points; returns how many were refused because their instrument has too many series.</summary>
    public int AddMetricPoints(IReadOnlyList<MetricPointUpdate> updates)
    {
        if (updates.Count == 0)
        {
            return 0;
        }

        var refused = 0;
        lock (_lock)
        {
            foreach (var update in updates)
            {
                var key = (OtlpResource.Key(update.Resource.ServiceName, update.Resource.InstanceId), update.Scope, update.Name);
                if (!_instruments.TryGetValue(key, out var instrument))
                {
                    instrument = new OtlpInstrument(update.Resource, update.Scope, update.Name, update.Description, update.Unit, update.Kind);
                    _instruments.Add(key, instrument);
                }

                instrument.Description = update.Description;
                instrument.Unit = update.Unit;
                instrument.Kind = update.Kind;

                var seriesKey = AttributeValues.Key(update.Attributes);
                if (!instrument.Series.TryGetValue(seriesKey, out var series))
                {
                    if (instrument.Series.Count >= _limits.MaxSeriesPerInstrument)
                    {
                        refused++;
                        continue;
                    }

                    series = new OtlpMetricSeries(seriesKey, update.Attributes);
                    instrument.Series.Add(seriesKey, series);
                }

                series.Points.Enqueue(update.Point);
                while (series.Points.Count > _limits.MaxMetricsCount)
                {
                    series.Points.Dequeue();
                }
            }
        }

        Notify(TelemetryKind.Metrics);
        return refused;
    }

    public IReadOnlyList<OtlpInstrumentSnapshot> GetInstruments(string? resource = null, string? name = null)
    {
        lock (_lock)
        {
            return [.. _instruments.Values
                .Where(i => (resource is null || MatchesResource(i.Resource, resource)) && (name is null || i.Name == name))
                .OrderBy(i => i.Resource.DisplayName, StringComparer.Ordinal)
                .ThenBy(i => i.Name, StringComparer.Ordinal)
                .Select(i => new OtlpInstrumentSnapshot(i.Resource, i.ScopeName, i.Name, i.Description, i.Unit, i.Kind,
                    [.. i.Series.Values.Select(s => new OtlpSeriesSnapshot(s.Attributes, [.. s.Points]))]))];
        }
    }

    // ---- change notifications ----

    public Subscription Subscribe(TelemetryKind kind, Func<Task> callback)
    {
        var subscription = new Subscription(
            callback,
            TimeSpan.FromMilliseconds(_limits.NotificationThrottleMilliseconds),
            _timeProvider,
            s => Unsubscribe(kind, s),
            ex => LogSubscriberFailed(_logger, kind, ex));
        lock (_lock)
        {
            _subscriptions[kind].Add(subscription);
        }

        return subscription;
    }

    private void Unsubscribe(TelemetryKind kind, Subscription subscription)
    {
        lock (_lock)
        {
            _subscriptions[kind].Remove(subscription);
        }
    }

    private void Notify(TelemetryKind kind)
    {
        Subscription[] subscribers;
        lock (_lock)
        {
            var list = _subscriptions[kind];
            if (list.Count == 0)
            {
                return;
            }

            subscribers = [.. list];
        }

        foreach (var subscription in subscribers)
        {
            subscription.Notify();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Kind} change subscriber failed")]
    private static partial void LogSubscriberFailed(ILogger logger, TelemetryKind kind, Exception exception);
}
