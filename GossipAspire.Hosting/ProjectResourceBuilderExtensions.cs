using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary><c>AddProject</c>: a .NET project the AppHost launches from its built output.</summary>
public static class ProjectResourceBuilderExtensions
{
    /// <summary>Adds the project a generated <c>Projects.*</c> class describes (from the AppHost's ProjectReferences).</summary>
    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new ProjectResource(name)).WithAnnotation<IProjectMetadata>(new TProject());
    }

    /// <summary>Adds a project by the path of its project file (relative to the AppHost's directory), or of its built assembly.</summary>
    public static IResourceBuilder<ProjectResource> AddProject(this IDistributedApplicationBuilder builder, string name, string projectPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(projectPath);
        var fullPath = Path.GetFullPath(projectPath, builder.AppHostDirectory);
        return builder.AddResource(new ProjectResource(name)).WithAnnotation<IProjectMetadata>(new PathProjectMetadata(fullPath));
    }

    private sealed class PathProjectMetadata(string path) : IProjectMetadata
    {
        public string ProjectPath { get; } = path;

        // A built assembly or executable runs as it is; a project file is asked where it builds to.
        public string? TargetPath { get; } = path.EndsWith("proj", StringComparison.OrdinalIgnoreCase) ? null : path;
    }
}

/// <summary><c>AddExecutable</c>: any program the AppHost launches.</summary>
public static class ExecutableResourceBuilderExtensions
{
    public static IResourceBuilder<ExecutableResource> AddExecutable(this IDistributedApplicationBuilder builder, string name, string command, string workingDirectory, params object[]? args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var directory = Path.GetFullPath(workingDirectory ?? ".", builder.AppHostDirectory);
        var resource = builder.AddResource(new ExecutableResource(name, command, directory));
        return args is { Length: > 0 } ? resource.WithArgs(args) : resource;
    }
}
