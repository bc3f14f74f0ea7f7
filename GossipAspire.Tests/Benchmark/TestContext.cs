using Xunit.Abstractions;

namespace GossipAspire.Tests.Benchmark;

/// <summary>What the benchmark tests share: a timeout for every await and a log line writer for the test output.</summary>
internal static class TestContext
{
    /// <summary>Generous, for a shared 2-core machine; a test that works is done far sooner.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static CancellationToken Token(TimeSpan? timeout = null) => new CancellationTokenSource(timeout ?? Timeout).Token;

    public static Action<string> Log(ITestOutputHelper output) => line =>
    {
        try
        {
            output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {line}");
        }
        catch (InvalidOperationException)
        {
            // The test is over; a late line has nowhere to go.
        }
    };
}
