using System.Collections.ObjectModel;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>The resources of an application, in the order they were added.</summary>
public interface IResourceCollection : ICollection<IResource>;

internal sealed class ResourceCollection : Collection<IResource>, IResourceCollection;

/// <summary>The application model: what the AppHost's <c>Program</c> declared.</summary>
public sealed class DistributedApplicationModel(IResourceCollection resources)
{
    public IResourceCollection Resources { get; } = resources ?? throw new ArgumentNullException(nameof(resources));

    internal IResource? Find(string resourceName) =>
        Resources.FirstOrDefault(r => string.Equals(r.Name, resourceName, StringComparison.OrdinalIgnoreCase));

    /// <summary>The resource of that name, or a clear error listing the names that exist.</summary>
    internal IResource GetRequired(string resourceName)
    {
        ArgumentNullException.ThrowIfNull(resourceName);
        return Find(resourceName) ?? throw new ArgumentException(UnknownResourceMessage(resourceName), nameof(resourceName));
    }

    internal string UnknownResourceMessage(string resourceName) =>
        $"No resource named '{resourceName}' exists in this application. Known resources: {string.Join(", ", Resources.Select(r => r.Name))}.";
}
