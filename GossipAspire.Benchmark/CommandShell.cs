using Spectre.Console;

namespace GossipAspire.Benchmark;

/// <summary>
/// What every benchmark command does around its measuring: a timestamped log on the console, each report written as
/// JSON and printed with its path, and one exit code for all (<see cref="BenchmarkRunner.ExitOk"/>,
/// <see cref="BenchmarkRunner.ExitIncomplete"/>, <see cref="BenchmarkRunner.ExitFailed"/>, 130 for Ctrl+C), a failure
/// said in one line.
/// </summary>
internal static class CommandShell
{
    /// <param name="what">Names the command in a failure: "benchmark", "mixed run", "reliability run".</param>
    /// <param name="run">Measures, given the log; true when every report is complete.</param>
    public static async Task<int> RunAsync(IAnsiConsole console, string what, Func<Action<string>, Task<bool>> run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        void Log(string line) => console.MarkupLine($"[grey]{DateTime.Now:HH:mm:ss.fff}[/] {Markup.Escape(line)}");

        try
        {
            return await run(Log) ? BenchmarkRunner.ExitOk : BenchmarkRunner.ExitIncomplete;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine("[yellow]cancelled; every node was stopped[/]");
            return 130;
        }
        catch (Exception ex) when (ex is BenchmarkException or Gem.GemCrashedException)
        {
            console.MarkupLine($"[red]{Markup.Escape(what)} failed:[/] {Markup.Escape(ex.Message)}");
            return BenchmarkRunner.ExitFailed;
        }
    }

    /// <summary>Writes a report's JSON to <paramref name="path"/> (its folder made if need be), prints it, then the path.</summary>
    public static async Task WriteReportAsync(IAnsiConsole console, string path, string json, Action<IAnsiConsole> render)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, json + Environment.NewLine, CancellationToken.None);
        render(console);
        console.MarkupLine($"report: {Markup.Escape(path)}");
    }
}
