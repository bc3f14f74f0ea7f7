using GossipAspire.Benchmark;

namespace GossipAspire.Tests.Benchmark;

public sealed class StatisticsTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(25, 2)]
    [InlineData(50, 3)]
    [InlineData(99, 4.96)]
    [InlineData(100, 5)]
    public void Percentile_FiveValues_InterpolatesBetweenClosestRanks(double percent, double expected)
    {
        double[] values = [5, 3, 1, 4, 2];

        Assert.Equal(expected, Statistics.Percentile(values, percent), 9);
    }

    [Fact]
    public void Percentile_SixtyLatencies_P99LiesBetweenTheTwoLargest()
    {
        var values = Enumerable.Range(1, 60).Select(i => (double)i).ToArray();

        var p99 = Statistics.Percentile(values, 99);

        Assert.InRange(p99, 59, 60);
        Assert.Equal(59.41, p99, 9);
    }

    [Fact]
    public void Percentile_OneValue_IsThatValue()
    {
        Assert.Equal(7, Statistics.Percentile([7.0], 99));
    }

    [Fact]
    public void Percentile_NoValues_Throws()
    {
        Assert.Throws<ArgumentException>(() => Statistics.Percentile(Array.Empty<double>(), 50));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100.5)]
    [InlineData(double.NaN)]
    public void Percentile_OutOfRange_Throws(double percent)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Statistics.Percentile([1.0, 2.0], percent));
    }

    [Fact]
    public void Summarize_EvenCount_MedianIsMeanOfMiddlePair()
    {
        var summary = Statistics.Summarize([10.0, 40.0, 20.0, 30.0]);

        Assert.NotNull(summary);
        Assert.Equal(4, summary.Count);
        Assert.Equal(25, summary.P50, 9);
        Assert.Equal(40, summary.Max);
        Assert.Equal(25, summary.Mean, 9);
    }

    [Fact]
    public void Summarize_Empty_IsNull()
    {
        Assert.Null(Statistics.Summarize(Array.Empty<double>()));
    }
}
