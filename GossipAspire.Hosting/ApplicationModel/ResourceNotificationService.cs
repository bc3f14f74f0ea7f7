using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The live state of every resource: publish a change, watch all changes, or wait for one resource to reach a
/// state. Waiting on a name that does not exist fails at once, and a wait for a live state fails as soon as the
/// resource lands in a terminal state (Exited, Finished, FailedToStart) instead of hanging.
/// </summary>
public sealed partial class ResourceNotificationService : IDisposable
{
    private readonly Lock _lock = new();
    private readonly DistributedApplicationModel _model;
    private readonly IServiceProvider _services;
    private readonly ILogger<ResourceNotificationService> _logger;
    private readonly Dictionary<string, ResourceEvent> _current = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Channel<ResourceEvent>> _watchers = [];
    private readonly CancellationTokenSource _disposing = new();

    public ResourceNotificationService(DistributedApplicationModel model, IServiceProvider services, TimeProvider timeProvider, ILogger<ResourceNotificationService> logger)
    {
        _model = model;
        _services = services;
        _logger = logger;
        var now = timeProvider.GetUtcNow().UtcDateTime;
        foreach (var resource in model.Resources)
        {
            var snapshot = new CustomResourceSnapshot
            {
                ResourceType = resource is ProjectResource ? KnownResourceTypes.Project : KnownResourceTypes.Executable,
                State = KnownResourceStates.NotStarted,
                CreationTimeStamp = now,
                IsHidden = resource is Dashboard.DashboardResource,
                Urls = [.. resource.Annotations.OfType<EndpointAnnotation>()
                    .Where(e => e.AllocatedEndpoint is not null)
                    .Select(e => new UrlSnapshot(e.Name, e.AllocatedEndpoint!.UriString, IsInternal: false))],
            };
            _current[resource.Name] = new ResourceEvent(resource, resource.Name, WithCommands(resource, snapshot));
        }
    }

    /// <summary>Applies a change to a resource's snapshot and tells every watcher.</summary>
    public Task PublishUpdateAsync(IResource resource, Func<CustomResourceSnapshot, CustomResourceSnapshot> stateFactory)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(stateFactory);
        lock (_lock)
        {
            if (!_current.TryGetValue(resource.Name, out var previous))
            {
                throw new ArgumentException(_model.UnknownResourceMessage(resource.Name), nameof(resource));
            }

            var snapshot = WithCommands(resource, stateFactory(previous.Snapshot));
            var resourceEvent = new ResourceEvent(resource, previous.ResourceId, snapshot);
            _current[resource.Name] = resourceEvent;
            if (previous.Snapshot.State?.Text != snapshot.State?.Text || previous.Snapshot.HealthStatus != snapshot.HealthStatus)
            {
                LogStateChanged(_logger, resource.Name, snapshot.State?.Text, snapshot.HealthStatus?.ToString() ?? "-");
            }

            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(resourceEvent);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The newest snapshot of a resource, if it exists.</summary>
    public bool TryGetCurrentState(string resourceName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ResourceEvent? resourceEvent)
    {
        lock (_lock)
        {
            return _current.TryGetValue(resourceName, out resourceEvent);
        }
    }

    /// <summary>Every resource's current snapshot first, then every change as it happens.</summary>
    public async IAsyncEnumerable<ResourceEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<ResourceEvent>(new UnboundedChannelOptions { SingleReader = true });
        ResourceEvent[] initial;
        lock (_lock)
        {
            initial = [.. _model.Resources.Select(r => _current[r.Name])];
            _watchers.Add(channel);
        }

        try
        {
            foreach (var resourceEvent in initial)
            {
                yield return resourceEvent;
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
            while (true)
            {
                ResourceEvent next;
                try
                {
                    next = await channel.Reader.ReadAsync(linked.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && _disposing.IsCancellationRequested)
                {
                    yield break;
                }

                yield return next;
            }
        }
        finally
        {
            lock (_lock)
            {
                _watchers.Remove(channel);
            }
        }
    }

    /// <summary>Waits until the resource is <paramref name="targetState"/> (Running by default).</summary>
    public Task<string> WaitForResourceAsync(string resourceName, string? targetState = null, CancellationToken cancellationToken = default) =>
        WaitForResourceAsync(resourceName, [targetState ?? KnownResourceStates.Running], cancellationToken);

    /// <summary>Waits until the resource is in one of <paramref name="targetStates"/>; answers the state it reached.</summary>
    public async Task<string> WaitForResourceAsync(string resourceName, IEnumerable<string> targetStates, CancellationToken cancellationToken = default)
    {
        var targets = targetStates.ToImmutableHashSet(StringComparer.OrdinalIgnoreCase);
        var resourceEvent = await WaitCoreAsync(
            resourceName,
            e => e.Snapshot.State?.Text is { } state && targets.Contains(state),
            $"state {string.Join(" or ", targets)}",
            failOnTerminal: !targets.Any(KnownResourceStates.IsTerminal),
            cancellationToken);
        return resourceEvent.Snapshot.State!.Text;
    }

    /// <summary>Waits until <paramref name="predicate"/> holds. It never fails on a terminal state by itself.</summary>
    public Task<ResourceEvent> WaitForResourceAsync(string resourceName, Func<ResourceEvent, bool> predicate, CancellationToken cancellationToken = default) =>
        WaitCoreAsync(resourceName, predicate, "the condition", failOnTerminal: false, cancellationToken);

    /// <summary>Waits until the resource is Running and its health checks pass (at once if it has none).</summary>
    public Task<ResourceEvent> WaitForResourceHealthyAsync(string resourceName, CancellationToken cancellationToken = default) =>
        WaitCoreAsync(
            resourceName,
            e => e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.HealthStatus == HealthStatus.Healthy,
            "it to be healthy",
            failOnTerminal: true,
            cancellationToken);

    public void Dispose()
    {
        _disposing.Cancel();
        _disposing.Dispose();
    }

    private async Task<ResourceEvent> WaitCoreAsync(string resourceName, Func<ResourceEvent, bool> predicate, string what, bool failOnTerminal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resourceName);
        var resource = _model.GetRequired(resourceName);
        await foreach (var resourceEvent in WatchAsync(cancellationToken))
        {
            if (!ReferenceEquals(resourceEvent.Resource, resource))
            {
                continue;
            }

            if (predicate(resourceEvent))
            {
                return resourceEvent;
            }

            var snapshot = resourceEvent.Snapshot;
            if (failOnTerminal && KnownResourceStates.IsTerminal(snapshot.State?.Text))
            {
                var exit = snapshot.ExitCode is { } code ? $" with exit code {code}" : string.Empty;
                throw new DistributedApplicationException(
                    $"Resource '{resource.Name}' is {snapshot.State!.Text}{exit} while waiting for {what}; see its console log.");
            }
        }

        // The watch ends only when the application is disposed.
        cancellationToken.ThrowIfCancellationRequested();
        throw new OperationCanceledException($"The application was disposed while waiting for resource '{resource.Name}' to reach {what}.");
    }

    private CustomResourceSnapshot WithCommands(IResource resource, CustomResourceSnapshot snapshot)
    {
        var annotations = resource.Annotations.OfType<ResourceCommandAnnotation>().ToArray();
        if (annotations.Length == 0)
        {
            return snapshot;
        }

        var context = new UpdateCommandStateContext(snapshot, _services);
        return snapshot with
        {
            Commands = [.. annotations.Select(a => new ResourceCommandSnapshot(a.Name, a.UpdateState(context), a.DisplayName, a.IconName))],
        };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Resource {ResourceName} is {State} (health {Health})")]
    private static partial void LogStateChanged(ILogger logger, string resourceName, string? state, string health);
}
