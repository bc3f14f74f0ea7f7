using GossipAspire.Lab.Api;
using GossipAspire.Lab.Changes;
using GossipAspire.Lab.Components;
using GossipAspire.Lab.Configuration;
using GossipAspire.Lab.Monitoring;
using GossipAspire.Lab.Nodes;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.FluentUI.AspNetCore.Components;
using OpenTelemetry.Instrumentation.AspNetCore;

namespace GossipAspire.Lab;

/// <summary>A setting the Lab cannot start with; the message is one line naming every problem.</summary>
public sealed class LabConfigurationException(string message) : Exception(message);

/// <summary>
/// Builds the Lab: one place that both <c>Program</c> and the tests use, so tests run the real thing on a real
/// socket. Every setting is checked here, before anything starts.
/// </summary>
public static partial class LabApplication
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var commandLine = LabCommandLine.Parse(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [.. commandLine.Rest],
            // Named, so the static assets resolve when a test host (not this assembly) is the entry point.
            ApplicationName = typeof(LabApplication).Assembly.GetName().Name,
        });

        // Defaults under every other source. Request logs at Information would be a line per page asset.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning" },
        });
        configure?.Invoke(builder);

        var options = ReadOptions(builder.Configuration, commandLine);
        var problems = new List<string>(commandLine.Problems);
        var validation = new LabOptionsValidator(builder.Configuration).Validate(null, options);
        if (validation.Failed)
        {
            problems.AddRange(validation.Failures);
        }

        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrWhiteSpace(urls))
        {
            builder.WebHost.UseUrls(LabOptions.DefaultUrl);
        }
        else
        {
            problems.AddRange(LabOptionsValidator.CheckListenUrls(urls));
        }

        if (problems.Count > 0)
        {
            throw new LabConfigurationException(string.Join(" ", problems));
        }

        // Serve the component library's files and the scoped CSS from the build output in every environment:
        // the AppHost and the tests run the Lab as built, not published.
        builder.WebHost.UseStaticWebAssets();

        builder.AddServiceDefaults();
        builder.AddLab(commandLine.Nodes);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapLabApi();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>The Lab's own services: its options, the node client, the monitor, the change log and the UI.</summary>
    public static WebApplicationBuilder AddLab(this WebApplicationBuilder builder, IReadOnlyList<string> commandLineNodes)
    {
        builder.Services.AddOptions<LabOptions>()
            .Bind(builder.Configuration.GetSection(LabOptions.SectionName))
            .PostConfigure(options => AddNodes(options, builder.Configuration, commandLineNodes))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LabOptions>>(sp => new LabOptionsValidator(builder.Configuration));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new NodeClient(sp.GetRequiredService<IOptions<LabOptions>>().Value.RequestTimeout));
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LabOptions>>().Value;
            return new NodeDirectory(NodeSources.Read(builder.Configuration, options).Nodes, options.FollowPeers);
        });
        builder.Services.AddSingleton<ChangeLog>();
        builder.Services.AddSingleton<HistoryCollector>();
        builder.Services.AddSingleton<TraceLinks>();
        builder.Services.AddSingleton<NetworkMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NetworkMonitor>());

        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, LabJsonContext.Default));
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddFluentUIComponents();

        // The page's own plumbing (the Blazor connection, framework and library files) is not worth a trace each.
        builder.Services.Configure<AspNetCoreTraceInstrumentationOptions>(aspNetCore =>
        {
            var previous = aspNetCore.Filter;
            aspNetCore.Filter = context => !IsPlumbing(context.Request.Path) && (previous?.Invoke(context) ?? true);
        });
        return builder;
    }

    /// <summary>Starts the Lab and runs it until shutdown; a port that is taken ends it with one line and exit code 1.</summary>
    public static async Task<int> RunLabAsync(this WebApplication app)
    {
        try
        {
            await app.StartAsync();
        }
        catch (IOException ex) when (ex.InnerException is AddressInUseException || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync($"gossip lab: could not listen: {ex.Message}");
            return 1;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"gossip lab: {string.Join(" ", ex.Failures)}");
            return 2;
        }

        LogListening(app.Logger, string.Join(", ", ListenUrls(app)));
        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>The URLs the Lab listens on once started (port 0 resolved).</summary>
    public static IReadOnlyList<string> ListenUrls(WebApplication app) =>
        [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];

    private static LabOptions ReadOptions(IConfiguration configuration, LabCommandLine commandLine)
    {
        var options = new LabOptions();
        try
        {
            configuration.GetSection(LabOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw new LabConfigurationException(ex.Message);
        }

        AddNodes(options, configuration, commandLine.Nodes);
        return options;
    }

    /// <summary><c>Lab:Nodes</c> may also be one comma-separated value; nodes from the command line come after the configured ones.</summary>
    private static void AddNodes(LabOptions options, IConfiguration configuration, IReadOnlyList<string> commandLineNodes)
    {
        if (configuration[$"{LabOptions.SectionName}:Nodes"] is { Length: > 0 } list)
        {
            options.Nodes.AddRange(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        options.Nodes.AddRange(commandLineNodes);
    }

    private static bool IsPlumbing(PathString path) =>
        path.StartsWithSegments("/_blazor") || path.StartsWithSegments("/_framework") || path.StartsWithSegments("/_content")
        || Path.HasExtension(path.Value);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gossip Lab at {Urls}")]
    private static partial void LogListening(ILogger logger, string urls);
}
