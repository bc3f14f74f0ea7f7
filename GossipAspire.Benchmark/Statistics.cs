namespace GossipAspire.Benchmark;

/// <summary>Median, percentile and maximum of a sample, the way the report states them.</summary>
public static class Statistics
{
    /// <summary>
    /// The <paramref name="percent"/>-th percentile by linear interpolation between the closest ranks (the method
    /// numpy and spreadsheets use by default): 0 is the minimum, 100 the maximum, 50 the median. With 60 values
    /// the 99th percentile lies between the two largest, so it is never above the maximum and rarely far below it.
    /// </summary>
    public static double Percentile(IReadOnlyCollection<double> values, double percent)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("A percentile of no values is undefined.", nameof(values));
        }

        if (double.IsNaN(percent) || percent < 0 || percent > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "A percentile lies between 0 and 100.");
        }

        var sorted = values.Order().ToArray();
        var rank = percent / 100.0 * (sorted.Length - 1);
        var lower = (int)Math.Floor(rank);
        var upper = (int)Math.Ceiling(rank);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (rank - lower));
    }

    public static double Median(IReadOnlyCollection<double> values) => Percentile(values, 50);

    /// <summary>Median, 99th percentile and maximum together; null for an empty sample.</summary>
    public static Summary? Summarize(IReadOnlyCollection<double> values) =>
        values.Count == 0
            ? null
            : new Summary(values.Count, Percentile(values, 50), Percentile(values, 99), values.Max(), values.Average());
}

/// <summary>The figures of one sample.</summary>
public sealed record Summary(int Count, double P50, double P99, double Max, double Mean);
