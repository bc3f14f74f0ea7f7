using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Node;

/// <summary>
/// A real node process: the built GossipAspire.Node.dll run by <c>dotnet</c>, its output in the test log, stopped
/// by its own PID (never by name). Under <c>setpriv --pdeathsig</c> where available, so a crashed test run leaves
/// no node behind.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, bool> s_taken = new();
    private static readonly BlockingCollection<Action> s_launches = StartLauncher();
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private NodeProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Id;

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public bool HasExited => _process.HasExited;

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static string NodeAssembly => Path.Combine(AppContext.BaseDirectory, "GossipAspire.Node.dll");

    /// <summary>Ports no other test of this run has taken and nothing listens on now, away from the ephemeral range.</summary>
    public static int[] FreePorts(int count)
    {
        var ports = new List<int>();
        while (ports.Count < count)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            if (!s_taken.TryAdd(port, true))
            {
                continue;
            }

            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                probe.Stop();
                ports.Add(port);
            }
            catch (SocketException)
            {
            }
        }

        return [.. ports];
    }

    /// <summary>
    /// The first of <paramref name="count"/> consecutive ports that no other test of this run has taken and nothing
    /// listens on now, for an AppHost whose node-k listens on base + k - 1.
    /// </summary>
    public static int FreePortRange(int count)
    {
        while (true)
        {
            var first = Random.Shared.Next(33_000, 39_000 - count);
            var range = Enumerable.Range(first, count).ToArray();
            if (range.Any(s_taken.ContainsKey) || !range.All(IsFree))
            {
                continue;
            }

            if (range.All(p => s_taken.TryAdd(p, true)))
            {
                return first;
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            probe.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static NodeProcess Start(ITestOutputHelper output, int port, params string[] arguments) =>
        Start(output, ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments], port);

    public static NodeProcess Start(ITestOutputHelper output, string[] arguments, int port = 0, IReadOnlyDictionary<string, string>? environment = null)
    {
        var useSetpriv = File.Exists("/usr/bin/setpriv");
        var start = new ProcessStartInfo(useSetpriv ? "/usr/bin/setpriv" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
            UseShellExecute = false,
        };
        if (useSetpriv)
        {
            start.ArgumentList.Add("--pdeathsig");
            start.ArgumentList.Add("KILL");
            start.ArgumentList.Add("--");
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add(NodeAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Plain console lines in the test log; no OTLP export from test nodes.
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var node = new NodeProcess(process, port);
        process.OutputDataReceived += (_, e) => Write(output, port, e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (node._stderr)
                {
                    node._stderr.AppendLine(e.Data);
                }
            }

            Write(output, port, e.Data);
        };
        // The parent-death signal follows the thread that forked the child: fork from one thread that never ends.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        s_launches.Add(() =>
        {
            try
            {
                process.Start();
                started.SetResult();
            }
            catch (Exception exception)
            {
                started.SetException(exception);
            }
        });
        started.Task.Wait(TimeSpan.FromSeconds(30));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    private static BlockingCollection<Action> StartLauncher()
    {
        var queue = new BlockingCollection<Action>();
        var thread = new Thread(() =>
        {
            foreach (var launch in queue.GetConsumingEnumerable())
            {
                launch();
            }
        })
        {
            IsBackground = true,
            Name = "node launcher",
        };
        thread.Start();
        return queue;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL, as a crash would: no goodbye to peers.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static void Write(ITestOutputHelper output, int port, string? line)
    {
        if (line is null)
        {
            return;
        }

        try
        {
            output.WriteLine($"[node {port}] {line}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; its output is closed.
        }
    }
}
