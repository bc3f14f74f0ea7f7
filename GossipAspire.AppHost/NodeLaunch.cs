using System.Reflection;

namespace GossipAspire.AppHost;

/// <summary>How the AppHost starts each node process (<c>--node-launch</c>).</summary>
public enum NodeLaunchMode
{
    /// <summary>
    /// <c>dotnet exec</c> of the node's built assembly (the default): the same program Aspire's wrapper would
    /// start, without the wrapper.
    /// </summary>
    Exec,

    /// <summary>Aspire's default for a project: <c>dotnet run --no-build</c>, one wrapper process per node.</summary>
    Run,

    /// <summary>The node published with Native AOT (<c>artifacts/node-aot/GossipAspire.Node</c>), run as an executable.</summary>
    Aot,
}

/// <summary>
/// Starting nodes. Aspire's default wraps every project in <c>dotnet run --no-build</c>, which evaluates the
/// project file again in a process of its own (about 130 MB and seconds of CPU each, ten at once on two cores);
/// <c>dotnet exec</c> of the built assembly starts the same program directly and keeps everything else that
/// <c>AddProject</c> gives (environment, endpoints, commands, health, rebuild).
/// </summary>
internal static class NodeLaunch
{
    public const string AotFolder = "artifacts/node-aot";

    /// <summary>Applies <paramref name="mode"/> to a node project (<see cref="NodeLaunchMode.Exec"/> or <see cref="NodeLaunchMode.Run"/>).</summary>
    public static IResourceBuilder<ProjectResource> WithNodeLaunch(this IResourceBuilder<ProjectResource> project, NodeLaunchMode mode, string? assembly)
    {
        if (mode != NodeLaunchMode.Exec)
        {
            return project;
        }

        assembly ??= BuiltAssembly(project.Resource.GetProjectMetadata().ProjectPath);
        if (assembly is null)
        {
            return project; // not built with this configuration: let Aspire's wrapper find it
        }

#pragma warning disable ASPIREEXTENSION001 // experimental: sets the launch tool's arguments
        return project.WithLaunchToolArgs(context =>
        {
            context.Args.Add("exec");
            context.Args.Add(assembly);
        }, showInCommandLine: true);
#pragma warning restore ASPIREEXTENSION001
    }

    /// <summary>
    /// The Native AOT node as an executable resource: its port comes in <c>Gossip__Port</c> and its telemetry goes
    /// to the dashboard as a project's would.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> AddNativeNode(this IDistributedApplicationBuilder builder, string name, int port)
    {
        var folder = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", AotFolder));
        var binary = Path.Combine(folder, "GossipAspire.Node");
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"--node-launch aot needs the Native AOT node at {binary}; publish it first: " +
                $"dotnet publish GossipAspire.Node -c Release -r linux-x64 -p:PublishAot=true -o {AotFolder}");
        }

        return builder.AddExecutable(name, binary, folder)
            .WithHttpEndpoint(port: port, name: "http", env: "Gossip__Port", isProxied: false)
            .WithOtlpExporter();
    }

    private static string? BuiltAssembly(string projectPath)
    {
        // dotnet run --no-build would run the build of the AppHost's own configuration; so does this.
        var configuration = typeof(NodeLaunch).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var name = Path.GetFileNameWithoutExtension(projectPath);
        var candidate = Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", configuration, "net10.0", name + ".dll");
        return File.Exists(candidate) ? candidate : null;
    }
}
