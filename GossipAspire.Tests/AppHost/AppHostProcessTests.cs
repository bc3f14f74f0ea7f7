using System.Diagnostics;
using System.Globalization;
using System.Text;
using GossipAspire.Tests.Node;
using Xunit.Abstractions;

namespace GossipAspire.Tests.AppHost;

/// <summary>
/// The AppHost as a developer runs it: its own process, with the dashboard, stopped with Ctrl+C (SIGINT). Every
/// process it started, directly or through DCP (the dashboard, the Lab, the nodes, DCP's own servers and
/// monitors), must be gone afterwards.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class AppHostProcessTests(ITestOutputHelper output)
{
    private const int Nodes = 3;

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task CtrlC_StopsTheAppHost_AndLeavesNoProcessBehind()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var basePort = NodeProcess.FreePortRange(Nodes);
        var dashboardPorts = NodeProcess.FreePorts(4);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in (string[])[AppHostAssembly, "--nodes", Text(Nodes), "--base-port", Text(basePort), "--pick-interval", "01:00:00"])
        {
            start.ArgumentList.Add(argument);
        }

        // What the http launch profile sets, on ports of this test's own.
        start.Environment["ASPNETCORE_URLS"] = $"http://localhost:{dashboardPorts[0]}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{dashboardPorts[1]}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://localhost:{dashboardPorts[2]}";
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{dashboardPorts[3]}";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";

        using var appHost = new Process { StartInfo = start };
        var log = new StringBuilder();
        var healthy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (log)
            {
                log.AppendLine(line);
            }

            Write(line);
            if (line.Contains($"All {Nodes} nodes are healthy", StringComparison.Ordinal))
            {
                healthy.TrySetResult();
            }
        }

        appHost.OutputDataReceived += (_, e) => OnLine(e.Data);
        appHost.ErrorDataReceived += (_, e) => OnLine(e.Data);
        appHost.Start();
        appHost.BeginOutputReadLine();
        appHost.BeginErrorReadLine();
        IReadOnlyCollection<int> started = [];
        try
        {
            await healthy.Task.WaitAsync(cts.Token);
            started = ProcessTree.Of(appHost.Id);
            output.WriteLine($"the AppHost ({appHost.Id}) runs {started.Count} processes: {string.Join(", ", started.Select(ProcessTree.Describe))}");
            Assert.Contains(started, p => ProcessTree.Describe(p).Contains("GossipAspire.Node", StringComparison.Ordinal));
            Assert.Contains(started, p => ProcessTree.Describe(p).Contains("GossipAspire.Lab", StringComparison.Ordinal));
            Assert.Contains(started, p => ProcessTree.Describe(p).Contains("Aspire.Dashboard", StringComparison.Ordinal));

            // Ctrl+C in a terminal: SIGINT to the AppHost.
            Assert.Equal(0, Kill(appHost.Id, SigInt));
            var stopped = Stopwatch.StartNew();
            await appHost.WaitForExitAsync(cts.Token);
            while (started.Any(ProcessTree.IsAlive) && stopped.Elapsed < TimeSpan.FromSeconds(90))
            {
                await Task.Delay(200, cts.Token);
            }

            var left = started.Where(ProcessTree.IsAlive).ToList();
            output.WriteLine($"the AppHost exited with {appHost.ExitCode}; {started.Count - left.Count} of {started.Count} processes gone {stopped.Elapsed.TotalSeconds:0.0} s after Ctrl+C");
            Assert.True(left.Count == 0, $"still running after Ctrl+C: {string.Join("; ", left.Select(ProcessTree.Describe))}");
        }
        finally
        {
            // Whatever this test started and is still running goes, by pid.
            foreach (var pid in started.Append(appHost.Id).Where(ProcessTree.IsAlive))
            {
                Kill(pid, SigKill);
            }
        }
    }

    private const int SigInt = 2;
    private const int SigKill = 9;

    private static string AppHostAssembly => Path.Combine(AppContext.BaseDirectory, "GossipAspire.AppHost.dll");

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private void Write(string line)
    {
        try
        {
            output.WriteLine($"[apphost] {line}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished.
        }
    }

    /// <summary>Sends a signal with the system's own kill(1); answers its exit code.</summary>
    private static int Kill(int pid, int signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit(10_000);
        return kill.ExitCode;
    }
}

/// <summary>
/// The processes an AppHost runs, read from /proc: its descendants, and DCP's servers (which detach from it)
/// with theirs. DCP's servers are known by the kubeconfig file they share, which the first of them names with
/// the AppHost's pid (<c>dcp start-apiserver --monitor PID --kubeconfig FILE</c>).
/// </summary>
internal static class ProcessTree
{
    public static IReadOnlyCollection<int> Of(int root)
    {
        var processes = Snapshot();
        var keep = new HashSet<int> { root };
        var kubeconfig = processes.Values
            .Select(p => p.Args)
            .Where(a => a.Count > 1 && a[0].EndsWith("/dcp", StringComparison.Ordinal) && a[1] == "start-apiserver" && ArgAfter(a, "--monitor") == root.ToString(CultureInfo.InvariantCulture))
            .Select(a => ArgAfter(a, "--kubeconfig"))
            .FirstOrDefault(k => k is not null);
        if (kubeconfig is not null)
        {
            keep.UnionWith(processes.Where(p => p.Value.Args.Count > 0 && p.Value.Args[0].EndsWith("/dcp", StringComparison.Ordinal) && p.Value.Args.Contains(kubeconfig)).Select(p => p.Key));
        }

        bool added;
        do
        {
            added = false;
            foreach (var (pid, process) in processes)
            {
                if (!keep.Contains(pid) && keep.Contains(process.Parent))
                {
                    keep.Add(pid);
                    added = true;
                }
            }
        }
        while (added);

        keep.Remove(root);
        return keep;
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            // A zombie has been reaped by nobody yet, but it runs nothing.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() is not 'Z' and not 'X';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static string Describe(int pid)
    {
        try
        {
            return $"{pid} {string.Join(' ', Args(pid)).Replace(Environment.NewLine, " ", StringComparison.Ordinal)}";
        }
        catch (IOException)
        {
            return $"{pid} (gone)";
        }
    }

    private static Dictionary<int, (int Parent, IReadOnlyList<string> Args)> Snapshot()
    {
        var processes = new Dictionary<int, (int, IReadOnlyList<string>)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                processes[pid] = (int.Parse(fields[1], CultureInfo.InvariantCulture), Args(pid));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone between the listing and the read.
            }
        }

        return processes;
    }

    private static IReadOnlyList<string> Args(int pid) =>
        File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);

    private static string? ArgAfter(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name)
            {
                return args[i + 1];
            }
        }

        return null;
    }
}
