using System.Net.Http.Json;
using System.Text.Json;
using GossipAspire.Lab;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Lab;

/// <summary>
/// The real Lab (<see cref="LabApplication"/>, as <c>Program</c> builds it) on a free loopback port inside the
/// test process, its logs in the test output. Each test starts its own.
/// </summary>
public sealed class LabHost : IAsyncDisposable
{
    private LabHost(WebApplication app, string url)
    {
        App = app;
        Url = url;
        Api = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
    }

    public WebApplication App { get; }

    public string Url { get; }

    public HttpClient Api { get; }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<LabHost> StartAsync(ITestOutputHelper output, IDictionary<string, string?>? settings = null, params string[] args)
    {
        var app = LabApplication.Create(["--urls", "http://127.0.0.1:0", .. args], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Lab:PollInterval"] = "00:00:00.250",
                ["Lab:RequestTimeout"] = "00:00:02",
            });
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }

            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new TestOutputLoggerProvider(output, "lab"));
        });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(cts.Token);
        var url = LabApplication.ListenUrls(app).First().TrimEnd('/');
        output.WriteLine($"[lab] at {url}");
        return new LabHost(app, url);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Api.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await App.StopAsync(cts.Token);
        await App.DisposeAsync();
    }
}

/// <summary>Polls a probe until it reports nothing left to wait for; on timeout the failure says what it last saw.</summary>
public static class Eventually
{
    public static async Task WaitAsync(Func<Task<string?>> notYet, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        string? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await notYet();
            if (last is null)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{what} not within {timeout.TotalSeconds:0} s; last seen: {last}");
    }
}
