using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Cli;
using Aspire.Hosting.Orchestration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Aspire.Hosting;

/// <summary>
/// A built application: the resources an AppHost declared, ready to start. <see cref="Run"/> is what an
/// AppHost's <c>Program</c> ends with (start everything, stay up until Ctrl+C or SIGTERM, stop everything);
/// tests use <see cref="StartAsync"/>, <see cref="StopAsync"/> and <see cref="DisposeAsync"/>.
/// </summary>
public sealed class DistributedApplication : IHost, IAsyncDisposable
{
    private readonly IHost _host;
    private readonly HostingSettings _settings;
    private int _startAttempted;
    private int _disposed;

    internal DistributedApplication(IHost host, HostingSettings settings)
    {
        _host = host;
        _settings = settings;
    }

    public IServiceProvider Services => _host.Services;

    public ResourceNotificationService ResourceNotifications => Services.GetRequiredService<ResourceNotificationService>();

    public ResourceCommandService ResourceCommands => Services.GetRequiredService<ResourceCommandService>();

    public static IDistributedApplicationBuilder CreateBuilder() => CreateBuilder(new DistributedApplicationOptions { Args = [] });

    public static IDistributedApplicationBuilder CreateBuilder(string[] args) => CreateBuilder(new DistributedApplicationOptions { Args = args });

    public static IDistributedApplicationBuilder CreateBuilder(DistributedApplicationOptions options) => new DistributedApplicationBuilder(options);

    /// <summary>Launches every resource; fails with <see cref="DistributedApplicationException"/> when one cannot start (a port in use, ...).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _startAttempted, 1);
        await _host.StartAsync(cancellationToken);
    }

    /// <summary>Stops every resource: SIGTERM to each process group, SIGKILL after the grace period.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _host.StopAsync(cancellationToken);

    /// <summary>Starts, then runs until the host is asked to stop (Ctrl+C, SIGTERM), then stops everything.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            try
            {
                await StartAsync(cancellationToken);
            }
            catch (Exception ex) when (!_settings.IsTesting && ex is DistributedApplicationException or OptionsValidationException)
            {
                CliErrors.Print(ex);
                Environment.ExitCode = 1;
                await StopAsync(CancellationToken.None);
                return;
            }

            await _host.WaitForShutdownAsync(cancellationToken);
        }
        finally
        {
            await DisposeAsync();
        }
    }

    public void Run() => RunAsync().GetAwaiter().GetResult();

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (Volatile.Read(ref _startAttempted) == 1)
        {
            // Stopping twice is harmless; not stopping would leave processes behind.
            using var timeout = new CancellationTokenSource(_settings.GracefulStopTimeout + TimeSpan.FromSeconds(10));
            try
            {
                await _host.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // The orchestrator kills what is left when it is disposed, just below.
            }
        }

        if (_host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }
}
