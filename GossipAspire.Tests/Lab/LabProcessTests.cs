using System.Diagnostics;
using GossipAspire.Tests.Node;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Lab;

/// <summary>The Lab as a process: settings it cannot start with end it at once with one line and a non-zero exit.</summary>
[Collection(ProcessCollection.Name)]
public sealed class LabProcessTests(ITestOutputHelper output)
{
    public static string LabAssembly => Path.Combine(AppContext.BaseDirectory, "GossipAspire.Lab.dll");

    [Theory]
    [InlineData("the node URL 'ftp://127.0.0.1:5001'", "--node", "ftp://127.0.0.1:5001")]
    [InlineData("the node URL 'nonsense'", "--nodes", "http://127.0.0.1:5001,nonsense")]
    [InlineData("--node needs a node URL", "--node")]
    [InlineData("not a loopback http URL", "--urls", "http://0.0.0.0:5199")]
    [InlineData("Lab:DashboardUrl 'dashboard'", "--Lab:DashboardUrl=dashboard")]
    [InlineData("'soon' at 'Lab:PollInterval'", "--Lab:PollInterval=soon")]
    [InlineData("Lab:MaxChanges must be between", "--Lab:MaxChanges=0")]
    public async Task Lab_WithABadSetting_ExitsNonZero_WithOneLineSayingWhat(string expected, params string[] args)
    {
        var (exitCode, stdout, stderr) = await RunAsync(args);

        output.WriteLine($"exit {exitCode}; stderr: {stderr}; stdout: {stdout}");
        Assert.Equal(2, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("gossip lab: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Empty(stdout.Trim());
    }

    [Fact]
    public async Task Lab_WithSeveralBadSettings_NamesThemAllOnTheOneLine()
    {
        var (exitCode, _, stderr) = await RunAsync(["--node", "ftp://x", "--Lab:DashboardUrl=nope", "--Lab:HistoryPageSize=0"]);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("'ftp://x'", line, StringComparison.Ordinal);
        Assert.Contains("Lab:DashboardUrl", line, StringComparison.Ordinal);
        Assert.Contains("Lab:HistoryPageSize", line, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(LabAssembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        // A free port, so a setting that is wrongly accepted fails here by not exiting, never by a port clash.
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{NodeProcess.FreePorts(1)[0]}";
        if (args.Contains("--urls"))
        {
            start.Environment.Remove("ASPNETCORE_URLS");
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the Lab did not exit within 30 s");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
