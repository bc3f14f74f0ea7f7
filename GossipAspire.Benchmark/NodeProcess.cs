using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace GossipAspire.Benchmark;

/// <summary>How to run a node: the program, the arguments before the node's own, and a line for the report.</summary>
public sealed record NodeCommand(string FileName, IReadOnlyList<string> Arguments, string Description);

/// <summary>One launch of a node on a port, with its seed and configuration arguments.</summary>
public sealed record NodeLaunch(int Port, int? SeedPort, IReadOnlyList<string> ExtraArguments);

/// <summary>
/// A node process, started the way the AppHost starts its children: through <c>setpriv --pdeathsig KILL</c>
/// and <c>setsid</c>, so the kernel kills it if the benchmark dies, even by SIGKILL, and it leads its own process
/// group, so a stop reaches it and anything it started, and a Ctrl+C in the terminal reaches only the benchmark.
/// Stopped by its own process group id, never by name.
/// </summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const string SetPriv = "/usr/bin/setpriv";
    private const string SetSid = "/usr/bin/setsid";
    private const int OutputLinesKept = 40;

    private readonly Process _process;
    private readonly bool _ownsGroup;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeProcess(Process process, bool ownsGroup, int port)
    {
        _process = process;
        _ownsGroup = ownsGroup;
        Port = port;
        _process.Exited += (_, _) => OnExited();
    }

    /// <summary>True where children get a parent-death signal and their own process group (Linux with util-linux).</summary>
    public static bool ContainsChildren { get; } = OperatingSystem.IsLinux() && File.Exists(SetPriv) && File.Exists(SetSid);

    public int Port { get; }

    public string Id => Port.ToString(CultureInfo.InvariantCulture);

    public int Pid { get; private set; }

    /// <summary>Completes with the exit code once the process is gone.</summary>
    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>The last lines the node wrote, for a failure message.</summary>
    public IReadOnlyList<string> RecentOutput => [.. _output];

    public static Task<NodeProcess> StartAsync(NodeCommand command, NodeLaunch launch) =>
        Launcher.Shared.RunAsync(() => Start(command, launch));

    /// <summary>The node's arguments: <c>--port P [--seed S] extra...</c>.</summary>
    public static IReadOnlyList<string> NodeArguments(NodeLaunch launch)
    {
        var arguments = new List<string> { "--port", launch.Port.ToString(CultureInfo.InvariantCulture) };
        if (launch.SeedPort is { } seed)
        {
            arguments.Add("--seed");
            arguments.Add(seed.ToString(CultureInfo.InvariantCulture));
        }

        arguments.AddRange(launch.ExtraArguments);
        return arguments;
    }

    private static NodeProcess Start(NodeCommand command, NodeLaunch launch)
    {
        var startInfo = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(command.Arguments.FirstOrDefault(File.Exists) ?? command.FileName) is { Length: > 0 } directory
                ? directory
                : Environment.CurrentDirectory,
        };

        IEnumerable<string> arguments = [.. command.Arguments, .. NodeArguments(launch)];
        if (ContainsChildren)
        {
            startInfo.FileName = SetPriv;
            arguments = ["--pdeathsig", "KILL", "--", SetSid, "--", command.FileName, .. arguments];
        }
        else
        {
            startInfo.FileName = command.FileName;
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Quiet nodes: console logging of every request would cost more CPU than the gossip being measured. No
        // telemetry export either, whatever this shell has set, and no settings leaking in from a developer's
        // environment.
        startInfo.Environment["Logging__LogLevel__Default"] = "Warning";
        startInfo.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning";
        startInfo.Environment["DOTNET_ENVIRONMENT"] = "Production";
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var name in startInfo.Environment.Keys.ToList())
        {
            if (name.StartsWith("OTEL_", StringComparison.Ordinal) || name is "ASPNETCORE_URLS" or "ASPNETCORE_HTTP_PORTS" or "DOTNET_URLS")
            {
                startInfo.Environment.Remove(name);
            }
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var node = new NodeProcess(process, ContainsChildren, launch.Port);
        process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new BenchmarkException($"could not start '{command.FileName}': {ex.Message}", ex);
        }

        node.Pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Resident set size in KiB from <c>/proc/PID/status</c> (VmRSS); null once the process is gone.</summary>
    public long? RssKiB() => ReadRssKiB(Pid);

    public static long? ReadRssKiB(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[1], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
        }

        return null;
    }

    /// <summary>CPU time (user + system) the process has used so far, from <c>/proc/PID/stat</c>; null once it is gone.</summary>
    public double? CpuSeconds() => ReadCpuSeconds(Pid);

    public static double? ReadCpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");

            // After "pid (comm) ": state is field 3 of stat(5), utime 14 and stime 15, so 11 and 12 from here.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return ticks / (double)ClockTicksPerSecond;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The unit of CPU times in /proc (USER_HZ), 100 on practically every Linux.</summary>
    public static long ClockTicksPerSecond => s_clockTicksPerSecond.Value;

    private static readonly Lazy<long> s_clockTicksPerSecond = new(() =>
    {
        const int scClockTicks = 2; // _SC_CLK_TCK on Linux
        var ticks = OperatingSystem.IsLinux() ? SysConf(scClockTicks) : -1;
        return ticks > 0 ? ticks : 100;
    });

    /// <summary>SIGTERM to the node's group, then SIGKILL if it is still there after <paramref name="gracePeriod"/>.</summary>
    public async Task StopAsync(TimeSpan gracePeriod)
    {
        if (HasExited)
        {
            return;
        }

        Signal(SigTerm);
        try
        {
            await _exited.Task.WaitAsync(gracePeriod);
        }
        catch (TimeoutException)
        {
            Signal(SigKill);
            await ((Task)_exited.Task).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > OutputLinesKept && _output.TryDequeue(out _))
        {
        }
    }

    private void Signal(int signal)
    {
        if (Pid <= 1)
        {
            return;
        }

        if (_ownsGroup)
        {
            _ = SysKill(-Pid, signal);
        }
        else if (!OperatingSystem.IsWindows())
        {
            _ = SysKill(Pid, signal);
        }
        else if (!HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Gone meanwhile.
            }
        }
    }

    private void OnExited()
    {
        int code;
        try
        {
            code = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            code = -1;
        }

        // Anything the node left in its group goes with it; the group id cannot be reused while a member lives.
        if (_ownsGroup && Pid > 1)
        {
            _ = SysKill(-Pid, SigKill);
        }

        _exited.TrySetResult(code);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);

    /// <summary>
    /// Starts every node from one thread that lives as long as the benchmark. The parent-death signal fires when
    /// the forking thread ends, so forking from a pool thread that later retires would kill a healthy node.
    /// </summary>
    private sealed class Launcher
    {
        private readonly BlockingCollection<Action> _work = [];

        private Launcher()
        {
            new Thread(() =>
            {
                foreach (var item in _work.GetConsumingEnumerable())
                {
                    item();
                }
            })
            { IsBackground = true, Name = "Node launcher" }.Start();
        }

        public static Launcher Shared { get; } = new();

        public Task<T> RunAsync<T>(Func<T> work)
        {
            var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            _work.Add(() =>
            {
                try
                {
                    completion.SetResult(work());
                }
                catch (Exception ex)
                {
                    completion.SetException(ex);
                }
            });
            return completion.Task;
        }
    }
}

/// <summary>A run that cannot go on: a node that does not start, a build that fails, a cluster that never converges.</summary>
public sealed class BenchmarkException(string message, Exception? inner = null) : Exception(message, inner);
