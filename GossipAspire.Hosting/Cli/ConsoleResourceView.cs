using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Orchestration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Aspire.Hosting.Cli;

/// <summary>
/// The AppHost's terminal: a live table of the resources (name, state, health, URL, pid, restarts) redrawn in
/// place, or, when stdout is not a terminal, one plain line per change. Either way it takes commands typed at
/// it: <c>restart node-3</c>, <c>stop node-3</c>, <c>start node-3</c>.
/// </summary>
internal sealed partial class ConsoleResourceView(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    DistributedApplicationModel model,
    HostingSettings settings,
    TerminalLogSink logSink,
    IHostApplicationLifetime lifetime,
    ILogger<ConsoleResourceView> logger) : IHostedLifecycleService, IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, CustomResourceSnapshot> _snapshots = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _lastPlainLine = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _changed = new(0, 1);
    private string _input = string.Empty;
    private string? _commandResult;
    private bool _allHealthyReported;
    private int _disposed;
    private Task _render = Task.CompletedTask;
    private Task _watch = Task.CompletedTask;

    public static void Register(HostApplicationBuilder builder, HostingSettings settings)
    {
        builder.Services.AddSingleton<TerminalLogSink>();
        if (!settings.IsTesting)
        {
            builder.Services.AddHostedService<ParentProcessWatcher>();
        }

        if (settings.ResourceView == ResourceViewMode.None)
        {
            return;
        }

        if (settings.ResourceView == ResourceViewMode.Live)
        {
            // The live table owns the terminal: log messages show in its panel instead of scrolling through it.
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<TerminalLogSink>());
            builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        }

        builder.Services.AddSingleton<ConsoleResourceView>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ConsoleResourceView>());
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Everything launched: show the header, then the resources.</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        foreach (var line in HeaderLines())
        {
            if (settings.ResourceView == ResourceViewMode.Live)
            {
                AnsiConsole.MarkupLine(line);
            }
            else
            {
                Console.WriteLine(Markup.Remove(line));
            }
        }

        _watch = Task.Run(WatchAsync);
        _render = settings.ResourceView == ResourceViewMode.Live ? Task.Run(RenderLiveAsync) : Task.CompletedTask;
        _ = Task.Run(settings.ResourceView == ResourceViewMode.Live ? ReadKeysAsync : ReadLinesAsync);
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Everything stopped: draw the final states and let go of the terminal.</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        // Let the last state changes reach the view before it closes.
        await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        await _stop.CancelAsync();
        SignalChanged();
        await Task.WhenAll(_render, _watch).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public void Dispose()
    {
        // Registered as a singleton and as a hosted service: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stop.Cancel();
        }
    }

    private void SignalChanged()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // A redraw is pending already.
        }
    }

    private IEnumerable<string> HeaderLines()
    {
        var processes = model.Resources.Count(ApplicationOrchestrator.IsVisibleProcessResource);
        yield return $"[bold]{Markup.Escape(settings.DashboardApplicationName)}[/]: {processes} resource{(processes == 1 ? string.Empty : "s")} starting.";
        if (settings.DashboardLoginUrl is { } loginUrl)
        {
            // In plain mode the log line "Login to the dashboard at ..." says it already.
            if (settings.ResourceView == ResourceViewMode.Live)
            {
                yield return $"Login to the dashboard at [link]{Markup.Escape(loginUrl)}[/]";
            }

            yield return $"Telemetry (OTLP/gRPC) goes to the dashboard at {Markup.Escape(settings.OtlpEndpointUrl ?? "-")}.";
        }
        else if (settings.OtlpEndpointUrl is { } otlp)
        {
            yield return $"Telemetry (OTLP/gRPC) goes to {Markup.Escape(otlp)}.";
        }
        else
        {
            yield return "No dashboard configured and no OTLP endpoint (ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL): no telemetry is collected.";
        }

        yield return "Press Ctrl+C to stop everything. Type [bold]restart node-3[/] (or start, stop) and Enter to run a command.";
    }

    private async Task WatchAsync()
    {
        try
        {
            await foreach (var resourceEvent in notifications.WatchAsync(_stop.Token))
            {
                if (resourceEvent.Snapshot.IsHidden)
                {
                    continue;
                }

                lock (_lock)
                {
                    _snapshots[resourceEvent.Resource.Name] = resourceEvent.Snapshot;
                }

                if (settings.ResourceView == ResourceViewMode.Plain)
                {
                    WritePlain(resourceEvent);
                }

                ReportAllHealthyOnce();
                SignalChanged();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The application stopped.
        }
    }

    private void WritePlain(ResourceEvent resourceEvent)
    {
        var snapshot = resourceEvent.Snapshot;
        var url = snapshot.Urls.FirstOrDefault()?.Url ?? "-";
        var exit = snapshot.ExitCode is { } code && KnownResourceStates.IsTerminal(snapshot.State?.Text) ? $" exit code {code}" : string.Empty;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{resourceEvent.Resource.Name,-10} {snapshot.State?.Text,-13} {snapshot.HealthStatus?.ToString() ?? "-",-9} {url,-24} pid {(snapshot.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-"),-7} restarts {snapshot.RestartCount}{exit}");
        lock (_lock)
        {
            if (_lastPlainLine.TryGetValue(resourceEvent.Resource.Name, out var last) && last == line)
            {
                return;
            }

            _lastPlainLine[resourceEvent.Resource.Name] = line;
        }

        Console.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {line}");
    }

    private void ReportAllHealthyOnce()
    {
        string? message = null;
        lock (_lock)
        {
            var processes = model.Resources.Where(ApplicationOrchestrator.IsVisibleProcessResource).ToArray();
            if (!_allHealthyReported && processes.Length > 0 && processes.All(r =>
                _snapshots.TryGetValue(r.Name, out var s) && s.State?.Text == KnownResourceStates.Running && s.HealthStatus == HealthStatus.Healthy))
            {
                _allHealthyReported = true;
                var sinceStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
                message = string.Create(CultureInfo.InvariantCulture, $"All {processes.Length} resources are healthy, {sinceStart.TotalSeconds:0.00} s after the AppHost process started.");
            }
        }

        if (message is null)
        {
            return;
        }

        if (settings.ResourceView == ResourceViewMode.Plain)
        {
            Console.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {message}");
        }
        else
        {
            LogAllHealthy(logger, message);
        }
    }

    private async Task RenderLiveAsync()
    {
        try
        {
            await AnsiConsole.Live(Render()).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).StartAsync(async context =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    await _changed.WaitAsync(TimeSpan.FromMilliseconds(500));
                    context.UpdateTarget(Render());
                }

                context.UpdateTarget(Render());
            });
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            LogRenderFailed(logger, ex);
        }
    }

    private IRenderable Render()
    {
        var table = new Table().Border(TableBorder.Rounded).Expand();
        foreach (var column in (string[])["Name", "State", "Health", "URL", "PID", "Restarts", "Started"])
        {
            table.AddColumn(column);
        }

        lock (_lock)
        {
            foreach (var resource in model.Resources.Where(ApplicationOrchestrator.IsVisibleProcessResource))
            {
                if (!_snapshots.TryGetValue(resource.Name, out var s))
                {
                    continue;
                }

                var state = s.State?.Text ?? "-";
                if (s.ExitCode is { } code && KnownResourceStates.IsTerminal(state))
                {
                    state += $" ({code})";
                }

                table.AddRow(
                    Markup.Escape(resource.Name),
                    $"[{StateColour(s.State?.Text)}]{Markup.Escape(state)}[/]",
                    s.HealthStatus switch
                    {
                        HealthStatus.Healthy => "[green]Healthy[/]",
                        HealthStatus.Unhealthy => "[red]Unhealthy[/]",
                        HealthStatus.Degraded => "[yellow]Degraded[/]",
                        _ => "[grey]-[/]",
                    },
                    Markup.Escape(s.Urls.FirstOrDefault()?.Url ?? "-"),
                    s.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    s.RestartCount.ToString(CultureInfo.InvariantCulture),
                    s.StartTimeStamp?.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture) ?? "-");
            }
        }

        var rows = new List<IRenderable> { table };
        foreach (var message in logSink.Recent())
        {
            rows.Add(new Markup($"[grey]{Markup.Escape(message)}[/]"));
        }

        if (_commandResult is { } result)
        {
            rows.Add(new Markup(Markup.Escape(result)));
        }

        if (!_stop.IsCancellationRequested)
        {
            rows.Add(new Markup($"[bold]>[/] {Markup.Escape(_input)}[blink]_[/]"));
        }

        return new Rows(rows);
    }

    private static string StateColour(string? state) => state switch
    {
        KnownResourceStates.Running => "green",
        KnownResourceStates.Starting or KnownResourceStates.Stopping or KnownResourceStates.Waiting => "blue",
        KnownResourceStates.Finished => "grey",
        KnownResourceStates.Exited or KnownResourceStates.FailedToStart => "red",
        _ => "grey",
    };

    /// <summary>Live mode: keys are read one by one (not echoed) and shown in the panel's prompt line.</summary>
    private async Task ReadKeysAsync()
    {
        if (Console.IsInputRedirected)
        {
            return;
        }

        while (!_stop.IsCancellationRequested)
        {
            if (!Console.KeyAvailable)
            {
                await Task.Delay(50);
                continue;
            }

            var key = Console.ReadKey(intercept: true);
            string? line = null;
            lock (_lock)
            {
                switch (key.Key)
                {
                    case ConsoleKey.Enter:
                        line = _input;
                        _input = string.Empty;
                        break;
                    case ConsoleKey.Backspace:
                        _input = _input.Length > 0 ? _input[..^1] : _input;
                        break;
                    case ConsoleKey.Escape:
                        _input = string.Empty;
                        break;
                    default:
                        if (!char.IsControl(key.KeyChar) && _input.Length < 80)
                        {
                            _input += key.KeyChar;
                        }

                        break;
                }
            }

            if (line is not null)
            {
                _commandResult = await RunCommandLineAsync(line);
            }

            SignalChanged();
        }
    }

    /// <summary>Plain mode: whole lines from stdin, for a terminal or a script.</summary>
    private async Task ReadLinesAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var line = await Console.In.ReadLineAsync(_stop.Token);
                if (line is null)
                {
                    return;
                }

                if (await RunCommandLineAsync(line) is { } result)
                {
                    Console.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {result}");
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The application stopped.
        }
    }

    internal async Task<string?> RunCommandLineAsync(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            return null;
        }

        if (parts is ["quit" or "exit"])
        {
            lifetime.StopApplication();
            return "Stopping.";
        }

        if (parts.Length != 2 || parts[0] is not (KnownResourceCommands.StartCommand or KnownResourceCommands.StopCommand or KnownResourceCommands.RestartCommand))
        {
            return $"'{line.Trim()}' is not a command. Use: start NAME, stop NAME, restart NAME, or quit.";
        }

        var result = await commands.ExecuteCommandAsync(parts[1], parts[0], _stop.Token);
        return result.Success ? $"{parts[0]} {parts[1]}: done." : $"{parts[0]} {parts[1]}: {result.ErrorMessage}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Message}")]
    private static partial void LogAllHealthy(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live resource view stopped")]
    private static partial void LogRenderFailed(ILogger logger, Exception exception);
}
