using System.Reflection;

namespace Aspire.Hosting;

/// <summary>How <see cref="DistributedApplication.CreateBuilder(DistributedApplicationOptions)"/> sets an application up.</summary>
public sealed class DistributedApplicationOptions
{
    /// <summary>The command-line arguments, which also become configuration (<c>--nodes 25</c> is key <c>nodes</c>).</summary>
    public string[]? Args { get; set; }

    /// <summary>Do not launch the dashboard even if one is configured.</summary>
    public bool DisableDashboard { get; set; }

    /// <summary>The name shown in the dashboard's title; by default the AppHost's assembly name without <c>.AppHost</c>.</summary>
    public string? DashboardApplicationName { get; set; }

    /// <summary>The AppHost's assembly, where the generated metadata lives; by default the entry assembly.</summary>
    public Assembly? Assembly { get; set; }

    /// <summary>Also write every resource's console output to this process's <c>ILogger</c> (category <c>{AppHost}.Resources.{name}</c>).</summary>
    public bool EnableResourceLogging { get; set; }

    /// <summary>Set by the testing builder: no terminal view, no console lifetime, errors are thrown rather than printed.</summary>
    internal bool IsTesting { get; set; }
}
