using GossipAspire.Benchmark.Gem;
using GossipAspire.Benchmark.Reliability;
using Spectre.Console;

namespace GossipAspire.Benchmark;

/// <summary>
/// The gossip benchmark: starts N real node processes chained seed-to-predecessor, times book changes from pick
/// to the last node, counts node-to-node traffic, and reports freshness, memory and start-up.
///   dotnet run -c Release --project GossipAspire.Benchmark -- [--nodes 10] [--changes 60] [--delay 100ms] [--aot]
/// and, with the <c>reliability</c> subcommand, faults measured with real processes (freeze, restart, flood, hostile
/// peers, start-up), and with the <c>mixed</c> subcommand, a chain alternating our nodes and stand-in Ruby gem nodes.
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            // Into a file or a pipe, the table would otherwise be cut to 80 columns.
            console.Profile.Width = 120;
        }

        var root = BenchmarkCli.Create((settings, cancellationToken) => BenchmarkRunner.RunAsync(settings, console, cancellationToken));
        root.Subcommands.Add(ReliabilityCli.Create((settings, cancellationToken) => ReliabilityRunner.RunAsync(settings, console, cancellationToken)));
        root.Subcommands.Add(MixedCli.Create((settings, cancellationToken) => MixedRunner.RunAsync(settings, console, cancellationToken)));
        return BenchmarkCli.Parse(root, args).InvokeAsync();
    }
}
