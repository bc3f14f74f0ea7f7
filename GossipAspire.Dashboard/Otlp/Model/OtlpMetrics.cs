namespace GossipAspire.Dashboard.Otlp.Model;

public enum OtlpInstrumentKind
{
    Gauge,
    Sum,
    Histogram,
    ExponentialHistogram,
    Summary,
}

/// <summary>One instrument of one resource: its metadata and one series per attribute set.</summary>
public sealed class OtlpInstrument(OtlpResource resource, string scopeName, string name, string description, string unit, OtlpInstrumentKind kind)
{
    public OtlpResource Resource { get; } = resource;

    public string ScopeName { get; } = scopeName;

    public string Name { get; } = name;

    public string Description { get; internal set; } = description;

    public string Unit { get; internal set; } = unit;

    public OtlpInstrumentKind Kind { get; internal set; } = kind;

    internal Dictionary<string, OtlpMetricSeries> Series { get; } = [];
}

/// <summary>The points of one attribute set, oldest first, at most <c>MaxMetricsCount</c> of them.</summary>
public sealed class OtlpMetricSeries(string attributesKey, KeyValuePair<string, object?>[] attributes)
{
    public string AttributesKey { get; } = attributesKey;

    public KeyValuePair<string, object?>[] Attributes { get; } = attributes;

    internal Queue<OtlpMetricPoint> Points { get; } = new();
}

/// <summary>
/// One point. For gauges and sums <see cref="Value"/> is the value; for histograms it is the count, with the
/// sum, bounds and bucket counts alongside so views can estimate percentiles.
/// </summary>
public sealed record OtlpMetricPoint(DateTime Time, double Value, double? Sum = null, double[]? Bounds = null, ulong[]? BucketCounts = null)
{
    /// <summary>Estimates a percentile (0-100) from explicit histogram buckets: the upper bound of the bucket it falls in.</summary>
    public double? Percentile(double percentile)
    {
        if (Bounds is null || BucketCounts is null || BucketCounts.Length == 0)
        {
            return null;
        }

        ulong total = 0;
        foreach (var count in BucketCounts)
        {
            total += count;
        }

        if (total == 0)
        {
            return null;
        }

        var rank = percentile / 100.0 * total;
        ulong seen = 0;
        for (var i = 0; i < BucketCounts.Length; i++)
        {
            seen += BucketCounts[i];
            if (seen >= rank)
            {
                return i < Bounds.Length ? Bounds[i] : (Bounds.Length > 0 ? Bounds[^1] : null);
            }
        }

        return Bounds.Length > 0 ? Bounds[^1] : null;
    }
}

/// <summary>An immutable copy of an instrument for views and the API.</summary>
public sealed record OtlpInstrumentSnapshot(
    OtlpResource Resource,
    string ScopeName,
    string Name,
    string Description,
    string Unit,
    OtlpInstrumentKind Kind,
    IReadOnlyList<OtlpSeriesSnapshot> Series);

public sealed record OtlpSeriesSnapshot(KeyValuePair<string, object?>[] Attributes, OtlpMetricPoint[] Points);
