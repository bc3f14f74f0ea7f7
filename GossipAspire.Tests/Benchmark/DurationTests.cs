using GossipAspire.Benchmark;

namespace GossipAspire.Tests.Benchmark;

public sealed class DurationTests
{
    [Theory]
    [InlineData("100ms", 100)]
    [InlineData("0ms", 0)]
    [InlineData("0.5ms", 0.5)]
    [InlineData("250us", 0.25)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData(" 100MS ", 100)]
    [InlineData("00:00:00.100", 100)]
    [InlineData("01:00:00", 3_600_000)]
    public void TryParse_Valid_GivesMilliseconds(string text, double milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var value, out var error), error);
        Assert.Equal(milliseconds, value.TotalMilliseconds, 6);
    }

    [Theory]
    [InlineData("100")]
    [InlineData("")]
    [InlineData("ms")]
    [InlineData("abc")]
    [InlineData("-5ms")]
    [InlineData("1,5s")]
    [InlineData("10 parsecs")]
    [InlineData("-00:00:01")]
    public void TryParse_Invalid_SaysWhy(string text)
    {
        Assert.False(Duration.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Theory]
    [InlineData(100, "100ms")]
    [InlineData(1500, "1.5s")]
    [InlineData(60_000, "1m")]
    [InlineData(3_600_000, "1h")]
    [InlineData(0, "0")]
    public void Format_IsShortAndParsesBack(double milliseconds, string expected)
    {
        var value = TimeSpan.FromMilliseconds(milliseconds);

        var text = Duration.Format(value);

        Assert.Equal(expected, text);
        if (milliseconds > 0)
        {
            Assert.True(Duration.TryParse(text, out var back, out _));
            Assert.Equal(value, back);
        }
    }

    [Fact]
    public void ToConfiguration_IsTimeSpanConstantFormat()
    {
        Assert.Equal("00:00:00.1000000", Duration.ToConfiguration(TimeSpan.FromMilliseconds(100)));
        Assert.Equal("01:00:00", Duration.ToConfiguration(TimeSpan.FromHours(1)));
    }
}
