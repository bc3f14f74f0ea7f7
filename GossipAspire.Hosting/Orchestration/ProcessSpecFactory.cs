using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.Orchestration;

/// <summary>
/// Turns a resource into the <see cref="ProcessSpec"/> of its next launch: the built output to run, and the
/// environment Aspire gives a project (ASPNETCORE_URLS, the OTEL_* settings, service discovery entries) plus
/// whatever the AppHost's <c>WithEnvironment</c>/<c>WithArgs</c> added, resolved now.
/// </summary>
internal sealed class ProcessSpecFactory(HostingSettings settings, ILogger logger)
{
    private readonly ConcurrentDictionary<string, string> _targetPaths = new(StringComparer.Ordinal);

    public async Task<ProcessSpec> CreateAsync(IResource resource, string uid, CancellationToken cancellationToken)
    {
        var (fileName, arguments, workingDirectory) = resource switch
        {
            ProjectResource project => await ProjectCommandAsync(project, cancellationToken),
            ExecutableResource executable => (ResolveExecutable(executable), new List<string>(), executable.WorkingDirectory),
            _ => throw new DistributedApplicationException($"Resource '{resource.Name}' of type {resource.GetType().Name} cannot be run as a process."),
        };

        var environment = new Dictionary<string, object>(StringComparer.Ordinal);
        var endpoints = resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.AllocatedEndpoint is not null).ToArray();
        if (resource is ProjectResource)
        {
            var urls = endpoints.Where(e => e.UriScheme is "http" or "https").Select(e => e.AllocatedEndpoint!.UriString).ToArray();
            if (urls.Length > 0)
            {
                environment["ASPNETCORE_URLS"] = string.Join(';', urls);
            }

            AddOpenTelemetry(environment, resource, uid);
        }

        foreach (var endpoint in endpoints.Where(e => e.EnvironmentVariable is not null))
        {
            environment[endpoint.EnvironmentVariable!] = endpoint.AllocatedEndpoint!.Port;
        }

        foreach (var annotation in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await annotation.Callback(new EnvironmentCallbackContext(resource, environment, logger, cancellationToken));
        }

        var extraArguments = new List<object>();
        foreach (var annotation in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await annotation.Callback(new CommandLineArgsCallbackContext(resource, extraArguments, cancellationToken));
        }

        foreach (var argument in extraArguments)
        {
            arguments.Add(await ResolveAsync(argument, cancellationToken));
        }

        var resolvedEnvironment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in environment)
        {
            resolvedEnvironment[name] = await ResolveAsync(value, cancellationToken);
        }

        return new ProcessSpec(fileName, arguments, workingDirectory, resolvedEnvironment);
    }

    private void AddOpenTelemetry(Dictionary<string, object> environment, IResource resource, string uid)
    {
        environment["OTEL_SERVICE_NAME"] = resource.Name;
        environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={uid}";

        // Export every second rather than the SDK defaults (5 s for spans and logs, 60 s for metrics), so a
        // developer sees what just happened.
        environment["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
        environment["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
        environment["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
        environment["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES"] = "true";
        environment["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES"] = "true";

        // As Aspire does: retry an export that failed for a transient reason. Nodes and the dashboard start
        // together, and a node's first pick can be exported while the dashboard is still starting; without a retry
        // that pick's root span was lost and its trace broke in two. (The price: if the dashboard is gone before a
        // node stops, the node's last flush retries until the graceful stop timeout ends it.)
        environment["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory";
        if (settings.OtlpEndpointUrl is { } endpoint)
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint;
            environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
            if (settings.OtlpApiKey is { } apiKey)
            {
                environment["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-otlp-api-key={apiKey}";
            }
        }
    }

    private async Task<(string FileName, List<string> Arguments, string WorkingDirectory)> ProjectCommandAsync(ProjectResource project, CancellationToken cancellationToken)
    {
        var metadata = project.Annotations.OfType<IProjectMetadata>().LastOrDefault()
            ?? throw new DistributedApplicationException($"Project resource '{project.Name}' has no project metadata.");
        var targetPath = metadata.TargetPath ?? await ResolveTargetPathAsync(metadata.ProjectPath, cancellationToken);
        if (!File.Exists(targetPath))
        {
            throw new DistributedApplicationException(
                $"The built output of '{metadata.ProjectPath}' is not at '{targetPath}'. Build the AppHost, which builds the projects it references, then run it again.");
        }

        var workingDirectory = Path.GetDirectoryName(metadata.ProjectPath) is { Length: > 0 } directory && Directory.Exists(directory)
            ? directory
            : Path.GetDirectoryName(targetPath)!;

        // Launch what was built; never `dotnet run`, which would build again for every process.
        return targetPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? (DotnetMuxer.Path, [targetPath], workingDirectory)
            : (targetPath, [], workingDirectory);
    }

    /// <summary>For a project given by path: ask MSBuild once where its output is, in the AppHost's configuration.</summary>
    private async Task<string> ResolveTargetPathAsync(string projectPath, CancellationToken cancellationToken)
    {
        if (_targetPaths.TryGetValue(projectPath, out var cached))
        {
            return cached;
        }

        if (!File.Exists(projectPath))
        {
            throw new DistributedApplicationException($"Project file '{projectPath}' does not exist.");
        }

        var startInfo = new ProcessStartInfo(DotnetMuxer.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["msbuild", projectPath, "-getProperty:TargetPath", $"-p:Configuration={settings.BuildConfiguration}", "-nologo"])
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new DistributedApplicationException($"Could not run MSBuild for '{projectPath}'.");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var targetPath = output.Trim();
        if (process.ExitCode != 0 || targetPath.Length == 0)
        {
            throw new DistributedApplicationException($"MSBuild could not tell where '{projectPath}' builds to: {error.Trim()} {output.Trim()}".Trim());
        }

        _targetPaths[projectPath] = targetPath;
        return targetPath;
    }

    private static string ResolveExecutable(ExecutableResource executable)
    {
        var command = executable.Command;
        if (Path.IsPathRooted(command) || command.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(command, executable.WorkingDirectory);
            return File.Exists(full) ? full : throw new DistributedApplicationException($"Executable '{full}' of resource '{executable.Name}' does not exist.");
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, command);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DistributedApplicationException($"Executable '{command}' of resource '{executable.Name}' is not on the PATH.");
    }

    internal static async ValueTask<string> ResolveAsync(object value, CancellationToken cancellationToken) => value switch
    {
        string text => text,
        IValueProvider provider => await provider.GetValueAsync(cancellationToken) ?? string.Empty,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
