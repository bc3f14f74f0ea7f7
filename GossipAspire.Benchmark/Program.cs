using Spectre.Console;

namespace GossipAspire.Benchmark;

/// <summary>
/// The gossip benchmark: starts N real node processes chained seed-to-predecessor, times book changes from pick
/// to the last node, counts node-to-node traffic, and reports freshness, memory and start-up.
///   dotnet run -c Release --project GossipAspire.Benchmark -- [--nodes 10] [--changes 60] [--delay 100ms] [--aot]
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        BenchmarkCli.Parse(BenchmarkCli.Create((settings, cancellationToken) => BenchmarkRunner.RunAsync(settings, AnsiConsole.Console, cancellationToken)), args)
            .InvokeAsync();
}
