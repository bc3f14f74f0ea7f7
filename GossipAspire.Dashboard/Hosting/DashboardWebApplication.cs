using GossipAspire.Dashboard.Api;
using GossipAspire.Dashboard.Authentication;
using GossipAspire.Dashboard.Components;
using GossipAspire.Dashboard.Configuration;
using GossipAspire.Dashboard.Gossip;
using Microsoft.FluentUI.AspNetCore.Components;
using GossipAspire.Dashboard.Otlp;
using GossipAspire.Dashboard.Otlp.Grpc;
using GossipAspire.Dashboard.Otlp.Http;
using GossipAspire.Dashboard.Otlp.Storage;
using GossipAspire.Dashboard.Resources;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GossipAspire.Dashboard.Hosting;

/// <summary>
/// Builds the dashboard: one place that both <c>Program</c> and the tests use, so tests run the real thing on
/// real sockets (with port 0 and their own settings).
/// </summary>
public static partial class DashboardWebApplication
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Named explicitly so static assets resolve when a test host (not this assembly) is the entry point.
            ApplicationName = typeof(DashboardWebApplication).Assembly.GetName().Name,
        });

        // Defaults under every other source, so any of them can change them. ASP.NET Core's request logs at
        // Information are four lines per OTLP export: with ten nodes exporting three signals a second, about
        // 120 lines a second into the AppHost's console log of the dashboard.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning" },
        });
        configure?.Invoke(builder);

        // The frontend URLs are ours to bind (DashboardEndpoints); hand them over and keep Kestrel from also
        // trying the host-level "urls" setting.
        var frontendUrls = builder.Configuration[DashboardConfigurationNames.FrontendUrls] ?? builder.Configuration["urls"];
        if (!string.IsNullOrEmpty(frontendUrls) && string.IsNullOrEmpty(builder.Configuration["Dashboard:Frontend:EndpointUrls"]))
        {
            builder.Configuration["Dashboard:Frontend:EndpointUrls"] = frontendUrls;
        }

        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, "");

        // Serve the project's static web assets (scoped CSS, the component library's files) from a build
        // output in every environment: the AppHost and the tests run the dashboard as built, not published.
        builder.WebHost.UseStaticWebAssets();

        // A node that is down is normal here (the Gossip page shows it); the HTTP client's per-request failure
        // logs would only repeat that every second.
        builder.Logging.AddFilter("System.Net.Http.HttpClient." + GossipMonitor.HttpClientName, LogLevel.Error);

        builder.AddDashboardOptions();
        builder.AddDashboardEndpoints();
        builder.AddFrontendAuthentication();
        builder.AddOtlpIngestion();
        builder.AddResources();
        builder.AddGossip();
        builder.AddDashboardUi();

        var app = builder.Build();

        app.UseRouting();
        app.UseConnectionTypes();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapLoginApi();
        app.MapTelemetryApi();
        app.MapGossipApi();
        app.MapOtlpGrpcServices();
        app.MapOtlpHttpApi();
        app.MapStaticAssets();
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .RequireAuthorization(FrontendAuthentication.PolicyName);

        return app;
    }

    public static WebApplicationBuilder AddDashboardOptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IPostConfigureOptions<DashboardOptions>, ConfigureDashboardOptions>();
        builder.Services.AddSingleton<IValidateOptions<DashboardOptions>, ValidateDashboardOptions>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        // Keys live in memory: nothing is written to disk, and a restarted dashboard simply asks for the token again.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, DashboardJsonContext.Default));
        return builder;
    }

    public static WebApplicationBuilder AddOtlpIngestion(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DashboardTelemetry>();
        builder.Services.AddSingleton<TelemetryRepository>();
        builder.Services.AddSingleton<OtlpIngestService>();
        builder.Services.AddSingleton<OtlpApiKey>();
        builder.Services.AddSingleton<OtlpApiKeyInterceptor>();
        builder.Services.AddSingleton<IServiceMethodProvider<OtlpGrpcService>, OtlpGrpcMethodProvider>();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<OtlpApiKeyInterceptor>();
            grpc.MaxReceiveMessageSize = builder.Configuration.GetValue($"{DashboardOptions.SectionName}:Otlp:MaxRequestBodySize", new OtlpOptions().MaxRequestBodySize);
            grpc.EnableDetailedErrors = false;
        });
        return builder;
    }

    public static WebApplicationBuilder AddResources(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ResourceServiceClient>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ResourceServiceClient>());
        builder.Services.AddSingleton<ResourceCatalog>();
        return builder;
    }

    public static WebApplicationBuilder AddDashboardUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddFluentUIComponents();
        return builder;
    }

    public static WebApplicationBuilder AddGossip(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpClient(GossipMonitor.HttpClientName);
        builder.Services.AddSingleton<GossipMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GossipMonitor>());
        return builder;
    }

    public static IEndpointRouteBuilder MapOtlpGrpcServices(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<OtlpGrpcService>().AllowAnonymous().WithMetadata(new ConnectionTypeMetadata(ConnectionType.OtlpGrpc));
        return app;
    }

    /// <summary>
    /// Starts the dashboard and runs it until shutdown. A bad configuration or a taken port ends it with every
    /// problem printed and exit code 1, before anything listens.
    /// </summary>
    public static async Task<int> RunDashboardAsync(this WebApplication app)
    {
        try
        {
            await app.StartAsync();
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("The dashboard's configuration is not valid:");
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync($"  - {failure}");
            }

            return 1;
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync($"The dashboard's configuration is not valid: {ex.Message}");
            return 1;
        }
        catch (IOException ex) when (ex.InnerException is AddressInUseException || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync($"The dashboard could not listen: {ex.Message}");
            return 1;
        }

        app.PrintStartupBanner();
        await app.WaitForShutdownAsync();
        return 0;
    }

    public static void PrintStartupBanner(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value;
        var endpoints = app.Services.GetRequiredService<DashboardEndpoints>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GossipAspire.Dashboard");
        var frontend = endpoints.GetUrl(ConnectionType.Frontend);
        LogListening(logger, frontend, endpoints.GetUrl(ConnectionType.OtlpGrpc), endpoints.GetUrl(ConnectionType.OtlpHttp));
        if (options.Frontend.ParsedAuthMode == FrontendAuthMode.BrowserToken && options.Frontend.BrowserTokenGenerated)
        {
            LogLoginUrl(logger, $"{frontend}/login?t={options.Frontend.BrowserToken}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dashboard at {FrontendUrl}; OTLP/gRPC at {OtlpGrpcUrl}; OTLP/HTTP at {OtlpHttpUrl}")]
    private static partial void LogListening(ILogger logger, string frontendUrl, string otlpGrpcUrl, string otlpHttpUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Login to the dashboard at {LoginUrl}")]
    private static partial void LogLoginUrl(ILogger logger, string loginUrl);
}
