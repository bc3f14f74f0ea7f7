using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// What a .NET project resource points at: its project file and, from the generated <c>Projects.*</c> classes,
/// the path of its built output, which the host launches with <c>dotnet</c> (it never builds).
/// </summary>
public interface IProjectMetadata : IResourceAnnotation
{
    string ProjectPath { get; }

    /// <summary>The built assembly (or executable). Null: worked out from <see cref="ProjectPath"/> by MSBuild at launch.</summary>
    string? TargetPath => null;
}

/// <summary>Adds environment variables when the resource's process is launched.</summary>
public sealed class EnvironmentCallbackAnnotation : IResourceAnnotation
{
    public EnvironmentCallbackAnnotation(Func<EnvironmentCallbackContext, Task> callback)
    {
        Callback = callback ?? throw new ArgumentNullException(nameof(callback));
    }

    public EnvironmentCallbackAnnotation(string name, Func<object?> valueFactory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(valueFactory);
        Callback = context =>
        {
            context.EnvironmentVariables[name] = valueFactory() ?? string.Empty;
            return Task.CompletedTask;
        };
    }

    public Func<EnvironmentCallbackContext, Task> Callback { get; }
}

/// <summary>The environment being put together for one launch; values are strings or <see cref="IValueProvider"/>s.</summary>
public sealed class EnvironmentCallbackContext(IResource resource, Dictionary<string, object> environmentVariables, ILogger? logger = null, CancellationToken cancellationToken = default)
{
    public IResource Resource { get; } = resource;

    public Dictionary<string, object> EnvironmentVariables { get; } = environmentVariables;

    public ILogger Logger { get; } = logger ?? NullLogger.Instance;

    public CancellationToken CancellationToken { get; } = cancellationToken;
}

/// <summary>Adds command-line arguments when the resource's process is launched.</summary>
public sealed class CommandLineArgsCallbackAnnotation(Func<CommandLineArgsCallbackContext, Task> callback) : IResourceAnnotation
{
    public Func<CommandLineArgsCallbackContext, Task> Callback { get; } = callback ?? throw new ArgumentNullException(nameof(callback));
}

/// <summary>The arguments being put together for one launch; values are strings or <see cref="IValueProvider"/>s.</summary>
public sealed class CommandLineArgsCallbackContext(IResource resource, List<object> args, CancellationToken cancellationToken = default)
{
    public IResource Resource { get; } = resource;

    public List<object> Args { get; } = args;

    public CancellationToken CancellationToken { get; } = cancellationToken;
}

/// <summary>How a resource waits for another before it starts.</summary>
public enum WaitType
{
    /// <summary>Until the other is running and healthy.</summary>
    WaitUntilHealthy,

    /// <summary>Until the other has finished successfully (exit code 0).</summary>
    WaitForCompletion,
}

/// <summary>This resource starts only once <see cref="Resource"/> is ready (<see cref="WaitType"/>).</summary>
public sealed class WaitAnnotation(IResource resource, WaitType waitType) : IResourceAnnotation
{
    public IResource Resource { get; } = resource;

    public WaitType WaitType { get; } = waitType;
}

/// <summary>The resource is healthy while <c>GET {endpoint}{Path}</c> answers <see cref="ExpectedStatusCode"/>.</summary>
public sealed class HttpHealthCheckAnnotation(EndpointReference endpoint, string path, int expectedStatusCode) : IResourceAnnotation
{
    public EndpointReference Endpoint { get; } = endpoint;

    public string Path { get; } = path;

    public int ExpectedStatusCode { get; } = expectedStatusCode;
}

/// <summary>A link between two resources, shown by tools (a reference, a wait).</summary>
public sealed class ResourceRelationshipAnnotation(IResource resource, string type) : IResourceAnnotation
{
    public IResource Resource { get; } = resource;

    public string Type { get; } = type;
}
