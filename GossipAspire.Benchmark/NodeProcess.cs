using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace GossipAspire.Benchmark;

/// <summary>How to run a node: the program, the arguments before the node's own, and a line for the report.</summary>
public sealed record NodeCommand(string FileName, IReadOnlyList<string> Arguments, string Description);

/// <summary>
/// One launch of a node on a port, with its seed and configuration arguments. Port 0 leaves <c>--port</c> out, for a
/// launch whose arguments say it themselves or leave it out on purpose (tests of bad settings).
/// </summary>
public sealed record NodeLaunch(int Port, int? SeedPort, IReadOnlyList<string> ExtraArguments)
{
    /// <summary>Environment variables set over the launcher's quiet defaults (log levels, no telemetry export).</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Receives every line the node writes, as it comes (a test's output); the last lines are kept anyway.</summary>
    public Action<NodeOutputLine>? Output { get; init; }
}

/// <summary>One line a node wrote, and whether it went to stderr.</summary>
public readonly record struct NodeOutputLine(string Text, bool IsError);

/// <summary>
/// A node process, started the way the AppHost starts its children: through <c>setpriv --pdeathsig KILL</c>
/// and <c>setsid</c>, so the kernel kills it if the benchmark dies, even by SIGKILL, and it leads its own process
/// group, so a stop reaches it and anything it started, and a Ctrl+C in the terminal reaches only the benchmark.
/// Stopped, killed, frozen and resumed by its own process group id, never by name. The one process starter of the
/// repository: the benchmark, the reliability runs and the tests all start nodes here.
/// </summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;
    private const string SetPriv = "/usr/bin/setpriv";
    private const string SetSid = "/usr/bin/setsid";
    private const int OutputLinesKept = 40;

    private readonly Process _process;
    private readonly bool _ownsGroup;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _errors = new();
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

    /// <summary>The last lines the node wrote to stderr (where a bad setting is reported).</summary>
    public IReadOnlyList<string> RecentErrors => [.. _errors];

    /// <summary>True between <see cref="Freeze"/> and <see cref="Resume"/>.</summary>
    public bool IsFrozen { get; private set; }

    public static Task<NodeProcess> StartAsync(NodeCommand command, NodeLaunch launch) =>
        Launcher.Shared.RunAsync(() => Start(command, launch));

    /// <summary>The node's arguments: <c>--port P [--seed S] extra...</c>.</summary>
    public static IReadOnlyList<string> NodeArguments(NodeLaunch launch)
    {
        var arguments = launch.Port == 0 ? [] : new List<string> { "--port", launch.Port.ToString(CultureInfo.InvariantCulture) };

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

        foreach (var (name, value) in launch.Environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var node = new NodeProcess(process, ContainsChildren, launch.Port);
        process.OutputDataReceived += (_, e) => node.Keep(e.Data, isError: false, launch.Output);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data, isError: true, launch.Output);
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

    /// <summary>SIGSTOP to the node's group: it stays, answers nothing and sends nothing until <see cref="Resume"/>.</summary>
    public void Freeze()
    {
        Signal(SigStop);
        IsFrozen = true;
    }

    /// <summary>SIGCONT to the node's group, after <see cref="Freeze"/>.</summary>
    public void Resume()
    {
        Signal(SigCont);
        IsFrozen = false;
    }

    /// <summary>SIGKILL to the node's group, as a crash would: no goodbye to peers. Completes once it is gone.</summary>
    public async Task KillAsync(TimeSpan timeout)
    {
        if (!HasExited)
        {
            Signal(SigKill);
        }

        await Exited.WaitAsync(timeout);
    }

    /// <summary>SIGTERM to the node's group, then SIGKILL if it is still there after <paramref name="gracePeriod"/>.</summary>
    public async Task StopAsync(TimeSpan gracePeriod)
    {
        if (HasExited)
        {
            return;
        }

        Signal(SigTerm);
        if (IsFrozen)
        {
            Resume(); // a stopped process takes SIGTERM only once it runs again
        }

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

    private void Keep(string? line, bool isError, Action<NodeOutputLine>? output)
    {
        if (line is null)
        {
            return;
        }

        Keep(_output, line);
        if (isError)
        {
            Keep(_errors, line);
        }

        output?.Invoke(new NodeOutputLine(line, isError));
    }

    private static void Keep(ConcurrentQueue<string> lines, string line)
    {
        lines.Enqueue(line);
        while (lines.Count > OutputLinesKept && lines.TryDequeue(out _))
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
