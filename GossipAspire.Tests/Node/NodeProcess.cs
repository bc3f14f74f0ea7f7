using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using GossipAspire.Benchmark;
using Xunit.Abstractions;
using ProcessStarter = GossipAspire.Benchmark.NodeProcess;

namespace GossipAspire.Tests.Node;

/// <summary>
/// A real node process for a test: the built GossipAspire.Node.dll, started by the benchmark's one process starter
/// (<see cref="ProcessStarter"/>: <c>setpriv --pdeathsig KILL</c> and <c>setsid</c>, so a crashed test run leaves
/// no node behind and every signal goes to the node's own process group, never by name), with its output in the
/// test log at Information level.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, bool> s_taken = new();
    private static readonly TimeSpan s_launchTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_exitTimeout = TimeSpan.FromSeconds(30);

    private readonly ProcessStarter _process;

    private NodeProcess(ProcessStarter process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Pid;

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public bool HasExited => _process.HasExited;

    public string StandardError => string.Join(Environment.NewLine, _process.RecentErrors);

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
            if (range.Any(s_taken.ContainsKey) || !range.All(GossipAspire.Benchmark.LocalCluster.IsFree))
            {
                continue;
            }

            if (range.All(p => s_taken.TryAdd(p, true)))
            {
                return first;
            }
        }
    }

    public static NodeProcess Start(ITestOutputHelper output, int port, params string[] arguments) =>
        Start(output, ["--port", port.ToString(CultureInfo.InvariantCulture), .. arguments], port);

    /// <summary>Starts the node with exactly these arguments; <paramref name="port"/> only names it in the log.</summary>
    public static NodeProcess Start(ITestOutputHelper output, string[] arguments, int port = 0, IReadOnlyDictionary<string, string>? environment = null)
    {
        // Plain console lines at Information in the test log; no OTLP export unless the test sets it.
        var variables = new Dictionary<string, string>
        {
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        var launch = new NodeLaunch(0, null, arguments)
        {
            Environment = variables,
            Output = line => Write(output, port, line.Text),
        };
        var process = ProcessStarter.StartAsync(NodeBuild.FromPath(NodeAssembly), launch).WaitAsync(s_launchTimeout).GetAwaiter().GetResult();
        return new NodeProcess(process, port);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout) => await _process.Exited.WaitAsync(timeout);

    /// <summary>SIGKILL, as a crash would: no goodbye to peers.</summary>
    public Task KillAsync() => _process.KillAsync(s_exitTimeout);

    /// <summary>SIGSTOP: the process stays, its sockets accept connections, but it answers and sends nothing.</summary>
    public void Freeze() => _process.Freeze();

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Resume() => _process.Resume();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            await _process.DisposeAsync();
        }
    }

    private static void Write(ITestOutputHelper output, int port, string line)
    {
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
