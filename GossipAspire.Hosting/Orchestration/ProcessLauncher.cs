using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Aspire.Hosting.Orchestration;

/// <summary>One launch of a process: what to run, where, with which arguments and environment.</summary>
internal sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory, IReadOnlyDictionary<string, string> Environment);

/// <summary>
/// Starts every child process from one dedicated thread that lives as long as this process, so no child can
/// outlive it. On Linux each child is started through <c>setpriv --pdeathsig KILL</c> and <c>setsid</c>:
/// the kernel sends the child SIGKILL when the thread that forked it dies, which for a thread that never ends
/// means when this process dies, even by SIGKILL; and the child leads its own session and process group, so a
/// stop reaches its whole tree (SIGTERM first, SIGKILL after a grace period) and a Ctrl+C in the terminal
/// reaches only this process, which stops the children in order.
/// </summary>
internal sealed class ProcessLauncher
{
    private const string SetPriv = "/usr/bin/setpriv";
    private const string SetSid = "/usr/bin/setsid";

    private static readonly Lazy<ProcessLauncher> s_shared = new(() => new ProcessLauncher());

    private readonly BlockingCollection<Action> _work = [];

    private ProcessLauncher()
    {
        ContainsChildren = OperatingSystem.IsLinux() && File.Exists(SetPriv) && File.Exists(SetSid);
        var thread = new Thread(Run) { IsBackground = true, Name = "Process launcher" };
        thread.Start();
    }

    public static ProcessLauncher Shared => s_shared.Value;

    /// <summary>True when children get a parent-death signal and their own process group (Linux with util-linux).</summary>
    public bool ContainsChildren { get; }

    /// <summary>Starts the process; its output lines go to <paramref name="onOutput"/> (text, is stderr).</summary>
    public Task<RunningProcess> StartAsync(ProcessSpec spec, Action<string, bool> onOutput)
    {
        var completion = new TaskCompletionSource<RunningProcess>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                completion.SetResult(Start(spec, onOutput));
            }
            catch (Exception ex)
            {
                completion.SetException(ex);
            }
        });
        return completion.Task;
    }

    private void Run()
    {
        foreach (var item in _work.GetConsumingEnumerable())
        {
            item();
        }
    }

    private RunningProcess Start(ProcessSpec spec, Action<string, bool> onOutput)
    {
        var startInfo = new ProcessStartInfo
        {
            WorkingDirectory = spec.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };

        if (ContainsChildren)
        {
            startInfo.FileName = SetPriv;
            foreach (var argument in (string[])["--pdeathsig", "KILL", "--", SetSid, "--", spec.FileName])
            {
                startInfo.ArgumentList.Add(argument);
            }
        }
        else
        {
            startInfo.FileName = spec.FileName;
        }

        foreach (var argument in spec.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in spec.Environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var running = new RunningProcess(process, ContainsChildren);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onOutput(e.Data, false);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onOutput(e.Data, true);
            }
        };

        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new DistributedApplicationException($"Could not start '{spec.FileName}': {ex.Message}", ex);
        }

        running.OnStarted();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }
}

/// <summary>A started child: its pid, its exit, and a stop that reaches its whole process group.</summary>
internal sealed partial class RunningProcess
{
    private const int SigKill = 9;
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly bool _ownsProcessGroup;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RunningProcess(Process process, bool ownsProcessGroup)
    {
        _process = process;
        _ownsProcessGroup = ownsProcessGroup;
        _process.Exited += (_, _) => OnExited();
    }

    public int Pid { get; private set; }

    /// <summary>Completes with the exit code (128 + signal for a process ended by a signal).</summary>
    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>Set once the host asked the process to stop, so its exit is not reported as a crash.</summary>
    public bool StopRequested { get; set; }

    public void OnStarted() => Pid = _process.Id;

    /// <summary>SIGTERM to the group, then SIGKILL if it is still there after <paramref name="gracePeriod"/>.</summary>
    public async Task<int> StopAsync(TimeSpan gracePeriod, TimeProvider timeProvider)
    {
        StopRequested = true;
        if (!HasExited)
        {
            Signal(SigTerm);
            try
            {
                await _exited.Task.WaitAsync(gracePeriod, timeProvider);
            }
            catch (TimeoutException)
            {
                Kill();
            }
        }

        return await _exited.Task;
    }

    /// <summary>SIGKILL to the whole group at once.</summary>
    public void Kill()
    {
        StopRequested = true;
        if (_ownsProcessGroup)
        {
            SendSignal(-Pid, SigKill);
        }
        else if (!HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited meanwhile.
            }
        }
    }

    private void Signal(int signal)
    {
        if (_ownsProcessGroup)
        {
            SendSignal(-Pid, signal);
        }
        else if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            SendSignal(Pid, signal);
        }
        else
        {
            Kill();
        }
    }

    private void OnExited()
    {
        int exitCode;
        try
        {
            exitCode = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            exitCode = -1;
        }

        // Whatever the leader left behind in its group goes with it. The group id cannot be reused while any
        // member lives, so this reaches only our own leftovers.
        if (_ownsProcessGroup)
        {
            SendSignal(-_process.Id, SigKill);
        }

        _exited.TrySetResult(exitCode);
    }

    private static void SendSignal(int pid, int signal)
    {
        if (pid is 0 or -1)
        {
            return;
        }

        _ = SysKill(pid, signal);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
