using System.Net;
using GossipAspire.Dashboard.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace GossipAspire.Dashboard.Hosting;

/// <summary>
/// Binds the three listeners (frontend, OTLP/gRPC, OTLP/HTTP) on loopback, tags each connection with its
/// listener, and after start tells the real URLs (port 0 in tests becomes the port the OS chose).
/// </summary>
public sealed class DashboardEndpoints
{
    private readonly List<(ConnectionType Type, Uri Url, ListenOptions Listen)> _listeners = [];

    internal void Configure(KestrelServerOptions kestrel)
    {
        // Kestrel is configured while the app is built, before start-up validation runs, so read the URLs
        // without validating here: a bad value is skipped now and reported with all the others at start.
        var configuration = kestrel.ApplicationServices.GetRequiredService<IConfiguration>();
        var options = new DashboardOptions();
        try
        {
            configuration.GetSection(DashboardOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException)
        {
            // A value of the wrong type; the options validation at start reports it.
        }

        new ConfigureDashboardOptions(configuration).PostConfigure(null, options);
        var errors = new List<string>();
        Bind(kestrel, ConnectionType.Frontend, options.Frontend.EndpointUrls, HttpProtocols.Http1, errors);
        Bind(kestrel, ConnectionType.OtlpGrpc, options.Otlp.GrpcEndpointUrl, HttpProtocols.Http2, errors);
        Bind(kestrel, ConnectionType.OtlpHttp, options.Otlp.HttpEndpointUrl, HttpProtocols.Http1, errors);
        kestrel.Limits.MaxRequestBodySize = Math.Max(options.Otlp.MaxRequestBodySize + 1, 30_000_000);
    }

    private void Bind(KestrelServerOptions kestrel, ConnectionType type, string? urls, HttpProtocols protocols, List<string> errors)
    {
        foreach (var url in ValidateDashboardOptions.ParseListenUrls(urls, type.ToString(), errors))
        {
            void Configure(ListenOptions listen)
            {
                listen.Protocols = protocols;
                listen.Use(next => connection =>
                {
                    connection.Features.Set(new ConnectionTypeFeature(type));
                    return next(connection);
                });
                _listeners.Add((type, url, listen));
            }

            if (url.IsLoopback && url.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) && url.Port != 0)
            {
                kestrel.ListenLocalhost(url.Port, Configure);
            }
            else
            {
                var address = url.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.Parse(url.Host.Trim('[', ']'));
                kestrel.Listen(address, url.Port, Configure);
            }
        }
    }

    /// <summary>The first URL of a listener, with the port it really got. Valid once the app has started.</summary>
    public string GetUrl(ConnectionType type)
    {
        var (_, url, listen) = _listeners.First(l => l.Type == type);
        var port = listen.IPEndPoint?.Port ?? url.Port;
        return $"{url.Scheme}://{url.Host}:{port}";
    }
}

public static class DashboardEndpointsExtensions
{
    public static WebApplicationBuilder AddDashboardEndpoints(this WebApplicationBuilder builder)
    {
        var endpoints = new DashboardEndpoints();
        builder.Services.AddSingleton(endpoints);
        builder.WebHost.ConfigureKestrel(endpoints.Configure);
        return builder;
    }
}
