using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace GossipAspire.Dashboard.Benchmarks;

/// <summary>A real dashboard process on free loopback ports, Unsecured, stopped (by its own PID) when disposed.</summary>
public sealed class DashboardProcess : IAsyncDisposable
{
    private readonly Process _process;

    private DashboardProcess(Process process, string frontendUrl, string grpcUrl, string httpUrl)
    {
        _process = process;
        FrontendUrl = frontendUrl;
        OtlpGrpcUrl = grpcUrl;
        OtlpHttpUrl = httpUrl;
    }

    public string FrontendUrl { get; }

    public string OtlpGrpcUrl { get; }

    public string OtlpHttpUrl { get; }

    public int Pid => _process.Id;

    public static async Task<DashboardProcess> StartAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "GossipAspire.Dashboard.dll");
        var (frontend, grpc, http) = (FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{frontend}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{grpc}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://127.0.0.1:{http}";
        start.Environment["Dashboard__Frontend__AuthMode"] = "Unsecured";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var name in new[] { "DOTNET_gcServer", "DOTNET_GCgen0size", "DOTNET_gcConcurrent" })
        {
            if (Environment.GetEnvironmentVariable("BENCH_" + name) is { } value)
            {
                start.Environment[name] = value;
            }
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the dashboard");
        process.OutputDataReceived += (_, e) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"dashboard: {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var dashboard = new DashboardProcess(process, $"http://127.0.0.1:{frontend}", $"http://127.0.0.1:{grpc}", $"http://127.0.0.1:{http}");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(dashboard.FrontendUrl + "/health");
                if (response.IsSuccessStatusCode)
                {
                    return dashboard;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await dashboard.DisposeAsync();
                throw new InvalidOperationException("the dashboard did not become healthy");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Resident set size in MiB, from /proc.</summary>
    public double RssMiB()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return double.NaN;
    }

    /// <summary>CPU seconds (user + system) the dashboard has used so far.</summary>
    public double CpuSeconds()
    {
        _process.Refresh();
        return _process.TotalProcessorTime.TotalSeconds;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
