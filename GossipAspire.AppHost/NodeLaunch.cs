using System.Reflection;

namespace GossipAspire.AppHost;

/// <summary>
/// How the AppHost starts a .NET project. Aspire's default wraps every project in <c>dotnet run --no-build</c>,
/// which evaluates the project file again in a second process of its own (about 130 MB and a few seconds of
/// CPU each, ten at once on two cores); <c>dotnet exec</c> of the built assembly starts the same program
/// directly, with everything else <c>AddProject</c> gives (environment, endpoints, commands, health).
/// </summary>
internal static class NodeLaunch
{
    /// <summary>
    /// Launches the project's built assembly with <c>dotnet exec</c> when it exists (built with the AppHost's own
    /// configuration, as <c>dotnet run --no-build</c> would find it); otherwise leaves Aspire's default.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDirectLaunch(this IResourceBuilder<ProjectResource> project)
    {
        var projectPath = project.Resource.GetProjectMetadata().ProjectPath;
        var assembly = BuiltAssembly(projectPath);
        if (assembly is null)
        {
            return project;
        }

#pragma warning disable ASPIREEXTENSION001 // experimental: replaces the launch tool's arguments
        return project.WithLaunchToolArgs(context =>
        {
            context.Args.Add("exec");
            context.Args.Add(assembly);
        }, showInCommandLine: true);
#pragma warning restore ASPIREEXTENSION001
    }

    private static string? BuiltAssembly(string projectPath)
    {
        var configuration = typeof(NodeLaunch).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var name = Path.GetFileNameWithoutExtension(projectPath);
        var candidate = Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", configuration, "net10.0", name + ".dll");
        return File.Exists(candidate) ? candidate : null;
    }
}
