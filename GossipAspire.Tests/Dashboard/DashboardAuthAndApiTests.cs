using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using GossipAspire.Dashboard.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Dashboard;

public sealed class DashboardAuthAndApiTests(ITestOutputHelper output)
{
    private const string Token = "test-browser-token";

    private static Dictionary<string, string?> BrowserTokenSettings() => new()
    {
        ["Dashboard:Frontend:AuthMode"] = "BrowserToken",
        ["Dashboard:Frontend:BrowserToken"] = Token,
    };

    [Fact]
    public async Task Api_WithBrowserTokenAuth_NeedsTheBearerToken()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output, BrowserTokenSettings());
        using var anonymous = dashboard.CreateFrontendClient();
        using var wrong = dashboard.CreateFrontendClient(bearerToken: "nope");
        using var right = dashboard.CreateFrontendClient(bearerToken: Token);

        using var anonymousResponse = await anonymous.GetAsync("/api/telemetry/traces");
        using var wrongResponse = await wrong.GetAsync("/api/telemetry/resources");
        using var rightResponse = await right.GetAsync("/api/telemetry/traces");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymousResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rightResponse.StatusCode);
        Assert.Equal("[]", await rightResponse.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Login_WithRightToken_SetsCookieThatOpensTheApi_WrongTokenIsRefused()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output, BrowserTokenSettings());
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { BaseAddress = new Uri(dashboard.FrontendUrl), Timeout = TimeSpan.FromSeconds(30) };

        using var refused = await browser.GetAsync("/login?t=wrong-token");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("not valid", await refused.Content.ReadAsStringAsync());
        using var stillLocked = await browser.GetAsync("/api/telemetry/traces");
        Assert.Equal(HttpStatusCode.Unauthorized, stillLocked.StatusCode);

        using var accepted = await browser.GetAsync($"/login?t={Token}");
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal("/", accepted.Headers.Location?.OriginalString);
        using var open = await browser.GetAsync("/api/telemetry/traces");
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
    }

    [Fact]
    public async Task TracesApi_FiltersByServiceAndLimit_NewestFirst()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var otlp = dashboard.CreateOtlpHttpClient();
        for (var i = 0; i < 3; i++)
        {
            await PostTraceAsync(otlp, service: "alpha", name: $"alpha-{i}", startSeconds: i);
        }

        await PostTraceAsync(otlp, service: "beta", name: "beta-0", startSeconds: 10);
        using var api = dashboard.CreateFrontendClient();

        var all = JsonDocument.Parse(await api.GetStringAsync("/api/telemetry/traces")).RootElement;
        var alpha = JsonDocument.Parse(await api.GetStringAsync("/api/telemetry/traces?service=alpha&limit=2")).RootElement;

        Assert.Equal(["beta-0", "alpha-2", "alpha-1", "alpha-0"], all.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(["alpha-2", "alpha-1"], alpha.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        var first = alpha[0];
        Assert.Equal(32, first.GetProperty("traceId").GetString()!.Length);
        Assert.Equal(2, first.GetProperty("spanCount").GetInt32());
        Assert.Equal(250, first.GetProperty("durationMs").GetDouble());
        Assert.Equal(["alpha"], first.GetProperty("services").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(DateTimeKind.Utc, first.GetProperty("start").GetDateTime().Kind);
    }

    [Theory]
    [InlineData("/api/telemetry/traces?limit=0", HttpStatusCode.BadRequest, "limit")]
    [InlineData("/api/telemetry/traces?limit=ten", HttpStatusCode.BadRequest, "limit")]
    [InlineData("/api/telemetry/traces/not-a-trace-id", HttpStatusCode.BadRequest, "32 hex digits")]
    [InlineData("/api/telemetry/traces/0123456789abcdef0123456789abcdef", HttpStatusCode.NotFound, "No trace")]
    public async Task Api_BadOrUnknownInput_AnswersProblemDetails(string path, HttpStatusCode expected, string expectedText)
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var api = dashboard.CreateFrontendClient();

        using var response = await api.GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expectedText, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ResourcesApi_Standalone_DerivesResourcesFromTelemetry()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var otlp = dashboard.CreateOtlpHttpClient();
        await PostTraceAsync(otlp, service: "node-7", name: "x", startSeconds: 0);
        using var api = dashboard.CreateFrontendClient();

        var resources = JsonDocument.Parse(await api.GetStringAsync("/api/telemetry/resources")).RootElement;

        var resource = Assert.Single(resources.EnumerateArray());
        Assert.Equal("node-7", resource.GetProperty("name").GetString());
        Assert.Equal("Telemetry", resource.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Start_WithManyBadSettings_ReportsEveryProblemAtOnce()
    {
        await using var app = DashboardTestHost.Create(output, new Dictionary<string, string?>
        {
            ["Dashboard:Frontend:AuthMode"] = "Sometimes",
            ["Dashboard:Otlp:AuthMode"] = "ApiKey",
            ["Dashboard:Otlp:HttpEndpointUrl"] = "http://0.0.0.0:4318",
            ["Dashboard:TelemetryLimits:MaxTraceCount"] = "0",
            ["Dashboard:Gossip:Nodes:0"] = "not a url",
        });

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        var failures = ex.Failures.ToList();
        output.WriteLine(string.Join(Environment.NewLine, failures));
        Assert.Contains(failures, f => f.Contains("Dashboard:Frontend:AuthMode is 'Sometimes'"));
        Assert.Contains(failures, f => f.Contains("PrimaryApiKey is empty"));
        Assert.Contains(failures, f => f.Contains("binds to localhost"));
        Assert.Contains(failures, f => f.Contains("MaxTraceCount must be positive"));
        Assert.Contains(failures, f => f.Contains("'not a url'"));
    }

    [Fact]
    public void Options_WithoutToken_GenerateOneAndUseAspireDefaults()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
        var options = new DashboardOptions();

        new ConfigureDashboardOptions(configuration).PostConfigure(null, options);

        Assert.Equal("http://localhost:18888", options.Frontend.EndpointUrls);
        Assert.Equal("http://localhost:18889", options.Otlp.GrpcEndpointUrl);
        Assert.Equal("http://localhost:18890", options.Otlp.HttpEndpointUrl);
        Assert.Equal(FrontendAuthMode.BrowserToken, options.Frontend.ParsedAuthMode);
        Assert.Equal(OtlpAuthMode.Unsecured, options.Otlp.ParsedAuthMode);
        Assert.True(options.Frontend.BrowserTokenGenerated);
        Assert.Equal(32, options.Frontend.BrowserToken!.Length);
    }

    [Fact]
    public async Task Executable_WithBadConfiguration_ExitsNonZeroListingEveryProblem()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "GossipAspire.Dashboard.dll");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = "http://example.com:80";
        start.Environment["Dashboard__Otlp__AuthMode"] = "ApiKey";
        start.Environment["Dashboard__TelemetryLimits__MaxLogCount"] = "-1";
        using var process = Process.Start(start)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var errors = await stderr;
        output.WriteLine(await stdout);
        output.WriteLine(errors);
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("ASPNETCORE_URLS", errors);
        Assert.Contains("PrimaryApiKey is empty", errors);
        Assert.Contains("MaxLogCount must be positive", errors);
    }

    [Fact]
    public async Task Executable_StandaloneWithoutToken_PrintsALoginUrlThatWorks()
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "GossipAspire.Dashboard.dll")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://127.0.0.1:0";
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = "http://127.0.0.1:0";
        using var process = Process.Start(start)!;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? loginUrl = null;
            while (loginUrl is null)
            {
                var line = await process.StandardOutput.ReadLineAsync(cts.Token) ?? throw new InvalidOperationException("the dashboard exited before printing a login URL");
                output.WriteLine(line);
                var at = line.IndexOf("/login?t=", StringComparison.Ordinal);
                if (at > 0)
                {
                    loginUrl = line[line.LastIndexOf("http://", at, StringComparison.Ordinal)..].Trim();
                }
            }

            using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
            using var browser = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
            var baseUrl = loginUrl[..loginUrl.IndexOf("/login", StringComparison.Ordinal)];
            using var locked = await browser.GetAsync(baseUrl + "/api/telemetry/resources", cts.Token);
            using var login = await browser.GetAsync(loginUrl, cts.Token);
            using var open = await browser.GetAsync(baseUrl + "/api/telemetry/resources", cts.Token);

            Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task PostTraceAsync(HttpClient otlp, string service, string name, int startSeconds)
    {
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var start = 1_700_000_000_000_000_000UL + (ulong)startSeconds * 1_000_000_000UL;
        var json = $$"""
            { "resourceSpans": [{ "resource": { "attributes": [ { "key": "service.name", "value": { "stringValue": "{{service}}" } } ] },
              "scopeSpans": [{ "spans": [
                { "traceId": "{{traceId}}", "spanId": "0000000000000001", "name": "{{name}}", "startTimeUnixNano": "{{start}}", "endTimeUnixNano": "{{start + 250_000_000}}" },
                { "traceId": "{{traceId}}", "spanId": "0000000000000002", "parentSpanId": "0000000000000001", "name": "child", "startTimeUnixNano": "{{start + 1_000}}", "endTimeUnixNano": "{{start + 2_000}}" }
              ] }] }] }
            """;
        using var response = await otlp.PostAsync("/v1/traces", new StringContent(json, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }
}
