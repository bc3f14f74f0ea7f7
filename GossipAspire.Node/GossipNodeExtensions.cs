using GossipAspire.Node.Apis;
using GossipAspire.Node.Gossip;
using Microsoft.Extensions.Options;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Instrumentation.Http;

namespace GossipAspire.Node;

/// <summary>Registers the gossip node: its options, engine, worker, transport, telemetry and listening port.</summary>
public static class GossipNodeExtensions
{
    /// <summary>Short command-line forms: <c>--port 5001 --seed 5000</c>.</summary>
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>
    {
        ["--port"] = "Gossip:Port",
        ["--seed"] = "Gossip:Seed",
        ["--id"] = "Gossip:Id",
        ["--books"] = "Gossip:BooksFile",
    };

    public static WebApplicationBuilder AddGossipNode(this WebApplicationBuilder builder)
    {
        // Bound and checked here, before anything starts, so a bad value stops the node with one clear line.
        var options = builder.Configuration.GetSection(GossipOptions.SectionName).Get<GossipOptions>() ?? new GossipOptions();
        var validation = new GossipOptionsValidator().Validate(null, options);
        var problems = validation.Failed ? validation.Failures.ToList() : [];
        if (builder.Configuration[$"{GossipOptions.SectionName}:Keys"] is { Length: > 0 })
        {
            // A list bound from one value is an empty list: the node would run open while its owner thinks it keyed.
            problems.Add("Gossip:Keys is a list: set Gossip:Keys:0 (env Gossip__Keys__0), Gossip:Keys:1, ..., not Gossip:Keys itself.");
        }

        if (problems.Count > 0)
        {
            throw new OptionsValidationException(GossipOptions.SectionName, typeof(GossipOptions), problems);
        }

        var port = options.ResolvePort(builder.Configuration["urls"]);
        if (options.Port is not null || string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }

        var identity = new NodeIdentity(options.Id is { } id && PeerId.TryNormalize(id, out var normalized) ? normalized : port.ToString(System.Globalization.CultureInfo.InvariantCulture), port);
        var seed = !string.IsNullOrWhiteSpace(options.Seed) && PeerId.TryFromSeed(options.Seed, out var seedId) ? seedId : null;
        if (seed == identity.Id)
        {
            throw new OptionsValidationException(GossipOptions.SectionName, typeof(GossipOptions), [$"Gossip:Seed '{options.Seed}' is this node itself."]);
        }

        // By default a node that listens on loopback only talks to loopback only.
        var urls = builder.Configuration["urls"];
        var listensOnLoopbackOnly = options.Port is not null || string.IsNullOrEmpty(urls)
            || HostPolicy.AreLoopbackUrls(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var hosts = HostPolicy.For(options.AllowedHosts, listensOnLoopbackOnly);
        if (seed is not null && !hosts.Allows(seed))
        {
            throw new OptionsValidationException(GossipOptions.SectionName, typeof(GossipOptions),
                [$"Gossip:Seed '{options.Seed}' names a host outside Gossip:AllowedHosts ({hosts})."]);
        }

        builder.Services.AddOptions<GossipOptions>().Bind(builder.Configuration.GetSection(GossipOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GossipOptions>, GossipOptionsValidator>();
        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton(new NodeSeed(seed));
        builder.Services.AddSingleton(BookList.Load(options.BooksFile));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<GossipTelemetry>();
        builder.Services.AddSingleton<GossipCounters>();
        builder.Services.AddSingleton(hosts);
        builder.Services.AddSingleton(new Keyring(options.Keys));
        builder.Services.AddSingleton<Admission>();
        builder.Services.AddSingleton<IGossipTransport, HttpGossipTransport>();
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<GossipEngine>(sp));
        builder.Services.AddHostedService<GossipWorker>();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            // The wire format is snake_case (the gem's); problem details keep their own fixed names.
            json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, NodeJsonContext.Default);
        });

        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(GossipTelemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(GossipTelemetry.Name));

        // Node-to-node HTTP would add two spans per hop to every change's trace, and tool polls a trace each.
        builder.Services.Configure<AspNetCoreTraceInstrumentationOptions>(aspNetCore =>
        {
            var previous = aspNetCore.Filter;
            aspNetCore.Filter = context => !GossipHttp.IsUntracedPath(context.Request.Path.Value) && (previous?.Invoke(context) ?? true);
        });
        builder.Services.Configure<HttpClientTraceInstrumentationOptions>(http =>
        {
            var previous = http.FilterHttpRequestMessage;
            http.FilterHttpRequestMessage = request =>
                !(request.Options.TryGetValue(GossipHttp.NodeToNode, out var nodeToNode) && nodeToNode) && (previous?.Invoke(request) ?? true);
        });

        return builder;
    }

    public static WebApplication MapGossipNode(this WebApplication app)
    {
        // A request that matches no endpoint (a path, a method) also gets problem details, not an empty 404/405.
        app.UseStatusCodePages();
        app.MapGossipApi();
        app.MapToolsApi();
        return app;
    }
}
