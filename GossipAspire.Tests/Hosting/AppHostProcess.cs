using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Hosting;

/// <summary>
/// The real AppHost as a separate process (<c>dotnet GossipAspire.AppHost.dll</c>), the way a developer runs
/// it, with its plain-text resource view parsed: one line per resource change.
/// </summary>
internal sealed partial class AppHostProcess : IAsyncDisposable
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private readonly Process _process;
    private readonly ITestOutputHelper _output;
    private readonly Lock _lock = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly SemaphoreSlim _changed = new(0);
    private readonly HashSet<int> _nodePids = [];
    private int? _appHostChild;

    private AppHostProcess(Process process, ITestOutputHelper output)
    {
        _process = process;
        _output = output;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public IReadOnlyList<string> StandardError
    {
        get
        {
            lock (_lock)
            {
                return [.. _stderr];
            }
        }
    }

    /// <summary>Every node pid the view has shown so far.</summary>
    public IReadOnlyCollection<int> NodePids
    {
        get
        {
            lock (_lock)
            {
                return [.. _nodePids];
            }
        }
    }

    /// <summary>Launches the built AppHost: <c>dotnet GossipAspire.AppHost.dll args</c>.</summary>
    public static AppHostProcess Start(ITestOutputHelper output, params string[] args) =>
        StartDotnet(output, [new Projects.GossipAspire_AppHost().TargetPath!, .. args]);

    /// <summary>
    /// As a developer does: <c>dotnet run --project GossipAspire.AppHost</c> (without building again: the test
    /// run built it). <see cref="Pid"/> is then the SDK's process, the AppHost its child.
    /// </summary>
    public static AppHostProcess StartWithDotnetRun(ITestOutputHelper output, params string[] args)
    {
        var metadata = new Projects.GossipAspire_AppHost();
        var configuration = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(metadata.TargetPath!))!);
        return StartDotnet(output, ["run", "--project", metadata.ProjectPath, "--no-build", "-c", configuration!, "--", .. args]);
    }

    /// <summary>The AppHost process itself when it runs under <c>dotnet run</c>: the child running its assembly.</summary>
    public int? FindAppHostChild()
    {
        if (_appHostChild is not null)
        {
            return _appHostChild;
        }

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (parent == Pid && File.ReadAllText(Path.Combine(directory, "cmdline")).Contains("GossipAspire.AppHost", StringComparison.Ordinal))
                {
                    // Remembered, so cleanup finds it even once it is orphaned.
                    _appHostChild = pid;
                    return pid;
                }
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }

        return null;
    }

    private static AppHostProcess StartDotnet(ITestOutputHelper output, string[] dotnetArgs)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in dotnetArgs)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["AppHost__ResourceView"] = "plain";
        var process = new Process { StartInfo = startInfo };
        var appHost = new AppHostProcess(process, output);
        process.OutputDataReceived += (_, e) => appHost.OnLine(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => appHost.OnLine(e.Data, isError: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return appHost;
    }

    /// <summary>Waits for a view line about a resource that matches.</summary>
    public Task<ResourceLine> WaitForResourceAsync(string name, Func<ResourceLine, bool> predicate, CancellationToken cancellationToken) =>
        WaitForAsync(
            lines => lines.Select(ResourceLine.Parse).LastOrDefault(l => l is not null && l.Name == name) is { } last && predicate(last) ? last : null,
            cancellationToken);

    public Task<string> WaitForLineAsync(Func<string, bool> predicate, CancellationToken cancellationToken) =>
        WaitForAsync(lines => lines.FirstOrDefault(predicate), cancellationToken);

    public async Task SendLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public void Signal(int signal) => Assert.Equal(0, SysKill(_process.Id, signal));

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        // Whatever a failed test left running goes, by pid.
        if ((_appHostChild ?? (_process.HasExited ? null : FindAppHostChild())) is { } child && !HostingTestHelpers.ProcessIsGone(child))
        {
            _ = SysKill(child, SigKill);
        }

        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        foreach (var pid in NodePids.Where(p => !HostingTestHelpers.ProcessIsGone(p)))
        {
            _ = SysKill(pid, SigKill);
        }

        _process.Dispose();
    }

    private async Task<T> WaitForAsync<T>(Func<IReadOnlyList<string>, T?> probe, CancellationToken cancellationToken) where T : class
    {
        while (true)
        {
            string[] lines;
            lock (_lock)
            {
                lines = [.. _stdout];
            }

            if (probe(lines) is { } found)
            {
                return found;
            }

            if (_process.HasExited)
            {
                await Task.Delay(200, cancellationToken);
                lock (_lock)
                {
                    lines = [.. _stdout];
                }

                return probe(lines) ?? throw new InvalidOperationException(
                    $"The AppHost exited with code {_process.ExitCode} before the expected line. Stderr: {string.Join(" | ", StandardError)}");
            }

            await _changed.WaitAsync(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    private void OnLine(string? line, bool isError)
    {
        if (line is null)
        {
            return;
        }

        try
        {
            _output.WriteLine($"{(isError ? "apphost!" : "apphost>")} {line}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished.
        }

        lock (_lock)
        {
            (isError ? _stderr : _stdout).Add(line);
            if (!isError && ResourceLine.Parse(line) is { Pid: { } pid })
            {
                _nodePids.Add(pid);
            }
        }

        _changed.Release();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>One line of the plain view: <c>12:00:00.000 node-3 Running Healthy http://localhost:5003 pid 123 restarts 0</c>.</summary>
    internal sealed partial record ResourceLine(string Name, string State, string Health, string Url, int? Pid, int Restarts, int? ExitCode)
    {
        public static ResourceLine? Parse(string line)
        {
            var match = Pattern().Match(line);
            if (!match.Success)
            {
                return null;
            }

            return new ResourceLine(
                match.Groups["name"].Value,
                match.Groups["state"].Value,
                match.Groups["health"].Value,
                match.Groups["url"].Value,
                match.Groups["pid"].Value == "-" ? null : int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture),
                int.Parse(match.Groups["restarts"].Value, CultureInfo.InvariantCulture),
                match.Groups["exit"].Success ? int.Parse(match.Groups["exit"].Value, CultureInfo.InvariantCulture) : null);
        }

        [GeneratedRegex(@"^\S+ (?<name>\S+)\s+(?<state>\w+)\s+(?<health>\S+)\s+(?<url>\S+)\s+pid (?<pid>\S+)\s+restarts (?<restarts>\d+)(?: exit code (?<exit>-?\d+))?$")]
        private static partial Regex Pattern();
    }
}
