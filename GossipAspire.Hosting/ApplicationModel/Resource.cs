using System.Collections.ObjectModel;
using System.Text.RegularExpressions;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>Something the AppHost runs or refers to, identified by a unique name.</summary>
public interface IResource
{
    string Name { get; }

    ResourceAnnotationCollection Annotations { get; }
}

/// <summary>A marker for the data attached to a resource by the builder extension methods.</summary>
public interface IResourceAnnotation;

/// <summary>The annotations of one resource, in the order they were added.</summary>
public sealed class ResourceAnnotationCollection : Collection<IResourceAnnotation>;

/// <summary>A resource whose process receives environment variables.</summary>
public interface IResourceWithEnvironment : IResource;

/// <summary>A resource whose process receives command-line arguments.</summary>
public interface IResourceWithArgs : IResource;

/// <summary>A resource that listens on endpoints.</summary>
public interface IResourceWithEndpoints : IResource;

/// <summary>A resource other resources can reference, receiving its endpoints as <c>services__{name}__{endpoint}__0</c>.</summary>
public interface IResourceWithServiceDiscovery : IResourceWithEndpoints;

/// <summary>A resource whose start can wait for other resources (<c>WaitFor</c>).</summary>
public interface IResourceWithWaitSupport : IResource;

/// <summary>The base of the resources in this library.</summary>
public abstract partial class Resource : IResource
{
    protected Resource(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!ResourceNamePattern().IsMatch(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a valid resource name: use 1 to 64 ASCII letters, digits and hyphens, starting with a letter, not ending with a hyphen, with no two hyphens in a row.",
                nameof(name));
        }

        Name = name;
    }

    public virtual string Name { get; }

    public virtual ResourceAnnotationCollection Annotations { get; } = [];

    public override string ToString() => Name;

    // The names double as DNS-style labels in service discovery keys and OTEL_SERVICE_NAME.
    [GeneratedRegex("^(?=.{1,64}$)[a-zA-Z](?:[a-zA-Z0-9]|-(?!-))*(?<!-)$")]
    private static partial Regex ResourceNamePattern();
}

/// <summary>A .NET project the AppHost launches from its built output.</summary>
public class ProjectResource(string name) : Resource(name),
    IResourceWithEnvironment, IResourceWithArgs, IResourceWithServiceDiscovery, IResourceWithWaitSupport;

/// <summary>Any executable the AppHost launches.</summary>
public class ExecutableResource(string name, string command, string workingDirectory) : Resource(name),
    IResourceWithEnvironment, IResourceWithArgs, IResourceWithEndpoints, IResourceWithWaitSupport
{
    public string Command { get; } = ThrowIfEmpty(command, nameof(command));

    public string WorkingDirectory { get; } = workingDirectory ?? throw new ArgumentNullException(nameof(workingDirectory));

    private static string ThrowIfEmpty(string value, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, paramName);
        return value;
    }
}
