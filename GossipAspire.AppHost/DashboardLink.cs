using Microsoft.Extensions.DependencyInjection;

namespace GossipAspire.AppHost;

/// <summary>Tells a resource where the Aspire dashboard is, so it can link to the dashboard's pages.</summary>
internal static class DashboardLink
{
    /// <summary>Aspire's name for the dashboard resource, which it adds to the model when the application starts.</summary>
    public const string DashboardResourceName = "aspire-dashboard";

    /// <summary>
    /// Sets <paramref name="variable"/> to the dashboard's frontend URL when the resource starts (the dashboard
    /// resource exists only from then on, and only when the dashboard is enabled; without it the variable is not set).
    /// </summary>
    public static IResourceBuilder<T> WithDashboardUrl<T>(this IResourceBuilder<T> builder, string variable) where T : IResourceWithEnvironment =>
        builder.WithEnvironment(context =>
        {
            var model = context.ExecutionContext.Services.GetRequiredService<DistributedApplicationModel>();
            if (model.Resources.FirstOrDefault(r => r.Name == DashboardResourceName) is IResourceWithEndpoints dashboard)
            {
                var frontend = dashboard.GetEndpoint("http") is { Exists: true } http ? http : dashboard.GetEndpoint("https");
                if (frontend.Exists)
                {
                    context.EnvironmentVariables[variable] = frontend;
                }
            }
        });
}
