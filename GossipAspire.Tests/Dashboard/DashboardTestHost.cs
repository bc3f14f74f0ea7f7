using System.Net.Http.Headers;
using GossipAspire.Dashboard.Hosting;
using GossipAspire.Dashboard.Otlp.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Dashboard;

/// <summary>
/// A real dashboard in this test process: the same <see cref="DashboardWebApplication"/> the executable runs,
/// on real loopback sockets with ports the OS picks, and its logs in the test output. Each test owns one.
/// </summary>
public sealed class DashboardTestHost : IAsyncDisposable
{
    private DashboardTestHost(WebApplication app)
    {
        App = app;
        var endpoints = app.Services.GetRequiredService<DashboardEndpoints>();
        FrontendUrl = endpoints.GetUrl(ConnectionType.Frontend);
        OtlpGrpcUrl = endpoints.GetUrl(ConnectionType.OtlpGrpc);
        OtlpHttpUrl = endpoints.GetUrl(ConnectionType.OtlpHttp);
    }

    public WebApplication App { get; }

    public string FrontendUrl { get; }

    public string OtlpGrpcUrl { get; }

    public string OtlpHttpUrl { get; }

    public TelemetryRepository Repository => App.Services.GetRequiredService<TelemetryRepository>();

    public static async Task<DashboardTestHost> StartAsync(ITestOutputHelper output, IDictionary<string, string?>? settings = null)
    {
        var app = Create(output, settings);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(cts.Token);
        return new DashboardTestHost(app);
    }

    /// <summary>Builds without starting, for tests about start-up itself.</summary>
    public static WebApplication Create(ITestOutputHelper output, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Dashboard:Frontend:EndpointUrls"] = "http://127.0.0.1:0",
            ["Dashboard:Otlp:GrpcEndpointUrl"] = "http://127.0.0.1:0",
            ["Dashboard:Otlp:HttpEndpointUrl"] = "http://127.0.0.1:0",
            ["Dashboard:Frontend:AuthMode"] = "Unsecured",
            ["Dashboard:TelemetryLimits:NotificationThrottleMilliseconds"] = "50",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return DashboardWebApplication.Create([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(all);
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new TestOutputLoggerProvider(output));
        });
    }

    public HttpClient CreateFrontendClient(string? bearerToken = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(FrontendUrl), Timeout = TimeSpan.FromSeconds(30) };
        if (bearerToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return client;
    }

    public HttpClient CreateOtlpHttpClient() => new() { BaseAddress = new Uri(OtlpHttpUrl), Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await App.StopAsync(cts.Token);
        await App.DisposeAsync();
    }
}

public static class AsyncTestHelpers
{
    /// <summary>Polls until the condition holds, failing with the message after the timeout.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string failureMessage)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(failureMessage);
            }

            await Task.Delay(25);
        }
    }

    public static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string failureMessage) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(failureMessage);
            }

            await Task.Delay(50);
        }
    }
}
