using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Xunit.Abstractions;
using static GossipAspire.Tests.Hosting.HostingTestHelpers;

namespace GossipAspire.Tests.Hosting;

/// <summary>Resource states and waits, driven by real short-lived processes (sh), so each test takes a moment.</summary>
public sealed class ResourceStateTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Executable_ExitsNonZero_EndsExitedWithItsCodeAndFailsTheWait()
    {
        using var cts = TimeoutToken();
        var builder = CreateBuilder(output);
        // It never answers its health check, so the wait is still waiting when the process dies.
        builder.AddExecutable("crasher", "sh", ".", "-c", "echo about to fail; echo on stderr >&2; sleep 0.5; exit 3")
            .WithHttpEndpoint(env: "PORT")
            .WithHttpHealthCheck("/");
        await using var app = await builder.BuildAsync(cts.Token);
        try
        {
            await app.StartAsync(cts.Token);

            var failure = await Assert.ThrowsAsync<DistributedApplicationException>(
                () => app.ResourceNotifications.WaitForResourceHealthyAsync("crasher", cts.Token));
            Assert.Contains("crasher", failure.Message);
            Assert.Contains("exit code 3", failure.Message);

            Assert.True(app.ResourceNotifications.TryGetCurrentState("crasher", out var current));
            Assert.Equal(KnownResourceStates.Exited, current.Snapshot.State?.Text);
            Assert.Equal(3, current.Snapshot.ExitCode);
            Assert.NotNull(current.Snapshot.StopTimeStamp);

            var lines = await WaitForLinesAsync(app, "crasher", 2, cts.Token);
            Assert.Contains(lines, l => l.Content == "about to fail" && !l.IsErrorMessage);
            Assert.Contains(lines, l => l.Content == "on stderr" && l.IsErrorMessage);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Executable_ExitsZero_EndsFinished()
    {
        using var cts = TimeoutToken();
        var builder = CreateBuilder(output);
        builder.AddExecutable("job", "sh", ".", "-c", "exit 0");
        await using var app = await builder.BuildAsync(cts.Token);
        try
        {
            await app.StartAsync(cts.Token);

            var state = await app.ResourceNotifications.WaitForResourceAsync("job", KnownResourceStates.Finished, cts.Token);

            Assert.Equal(KnownResourceStates.Finished, state);
            Assert.True(app.ResourceNotifications.TryGetCurrentState("job", out var current));
            Assert.Equal(0, current.Snapshot.ExitCode);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Executable_CommandMissing_FailsToStartAndFailsTheWait()
    {
        using var cts = TimeoutToken();
        var builder = CreateBuilder(output);
        builder.AddExecutable("ghost", "no-such-command-anywhere", ".");
        await using var app = await builder.BuildAsync(cts.Token);
        try
        {
            await app.StartAsync(cts.Token);

            var failure = await Assert.ThrowsAsync<DistributedApplicationException>(
                () => app.ResourceNotifications.WaitForResourceAsync("ghost", KnownResourceStates.Running, cts.Token));

            Assert.Contains("FailedToStart", failure.Message);
            var lines = await WaitForLinesAsync(app, "ghost", 1, cts.Token);
            Assert.Contains(lines, l => l.IsErrorMessage && l.Content.Contains("not on the PATH", StringComparison.Ordinal));
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task ConsoleLog_MoreLinesThanTheBuffer_KeepsTheNewestNumberedFromTheStart()
    {
        using var cts = TimeoutToken();
        var builder = CreateBuilder(output);
        var lines = ResourceLoggerService.DefaultMaxLinesPerResource + 50;
        builder.AddExecutable("chatty", "seq", ".", "1", lines);
        await using var app = await builder.BuildAsync(cts.Token);
        try
        {
            var logs = (ResourceLoggerService)app.Services.GetService(typeof(ResourceLoggerService))!;
            await app.StartAsync(cts.Token);
            await app.ResourceNotifications.WaitForResourceAsync("chatty", KnownResourceStates.Finished, cts.Token);

            // Output may trail the exit a little: wait for the last line.
            while (logs.GetBufferedLines("chatty") is not [.., { LineNumber: var last }] || last < lines)
            {
                await Task.Delay(20, cts.Token);
            }

            var buffered = logs.GetBufferedLines("chatty");
            Assert.Equal(ResourceLoggerService.DefaultMaxLinesPerResource, buffered.Count);
            Assert.Equal(51, buffered[0].LineNumber);
            Assert.Equal("51", buffered[0].Content);
            Assert.Equal(lines.ToString(System.Globalization.CultureInfo.InvariantCulture), buffered[^1].Content);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Notifications_UnknownResource_FailAtOnce()
    {
        using var cts = TimeoutToken();
        var builder = CreateBuilder(output);
        builder.AddExecutable("sleeper", "sleep", ".", "30");
        await using var app = await builder.BuildAsync(cts.Token);

        // Before start as after: a name that does not exist is an error, never a wait.
        var wait = await Assert.ThrowsAsync<ArgumentException>(
            () => app.ResourceNotifications.WaitForResourceAsync("nope", KnownResourceStates.Running, cts.Token));
        Assert.Contains("'nope'", wait.Message);
        Assert.Contains("sleeper", wait.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => app.ResourceNotifications.WaitForResourceHealthyAsync("nope", cts.Token));

        var command = await app.ResourceCommands.ExecuteCommandAsync("nope", KnownResourceCommands.RestartCommand, cts.Token);
        Assert.False(command.Success);
        Assert.Contains("'nope'", command.ErrorMessage);

        var logs = app.Services.GetService(typeof(ResourceLoggerService)) as ResourceLoggerService;
        Assert.NotNull(logs);
        Assert.Throws<ArgumentException>(() => logs.GetBufferedLines("nope"));
    }

    [Fact]
    public async Task WaitFor_DependencyHealthy_StartsAfterIt()
    {
        using var cts = TimeoutToken();
        var builder = CreateBuilder(output);
        var first = builder.AddExecutable("first", "sleep", ".", "60");
        builder.AddExecutable("second", "sleep", ".", "60").WaitFor(first);
        await using var app = await builder.BuildAsync(cts.Token);
        try
        {
            // Subscribe before starting, so no state is missed.
            var seen = new List<string>();
            var events = app.ResourceNotifications.WatchAsync(cts.Token).GetAsyncEnumerator(cts.Token);
            Assert.True(await events.MoveNextAsync());
            var watch = Task.Run(async () =>
            {
                do
                {
                    var e = events.Current;
                    if (e.Resource.Name == "second" && e.Snapshot.State?.Text is { } state && (seen.Count == 0 || seen[^1] != state))
                    {
                        seen.Add(state);
                        if (state == KnownResourceStates.Running)
                        {
                            return;
                        }
                    }
                }
                while (await events.MoveNextAsync());
            }, cts.Token);

            await app.StartAsync(cts.Token);
            await watch.WaitAsync(cts.Token);
            await events.DisposeAsync();

            var firstEvent = await app.ResourceNotifications.WaitForResourceHealthyAsync("first", cts.Token);
            var secondEvent = await app.ResourceNotifications.WaitForResourceHealthyAsync("second", cts.Token);
            Assert.Equal([KnownResourceStates.NotStarted, KnownResourceStates.Waiting, KnownResourceStates.Starting, KnownResourceStates.Running], seen);
            Assert.True(secondEvent.Snapshot.StartTimeStamp >= firstEvent.Snapshot.StartTimeStamp);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task WaitFor_DependencyFails_FailsToStartWithoutRunning()
    {
        using var cts = TimeoutToken();
        var builder = CreateBuilder(output);
        var broken = builder.AddExecutable("broken", "sh", ".", "-c", "sleep 0.5; exit 1").WithHttpEndpoint(env: "PORT").WithHttpHealthCheck("/");
        builder.AddExecutable("dependent", "sleep", ".", "60").WaitFor(broken);
        await using var app = await builder.BuildAsync(cts.Token);
        try
        {
            await app.StartAsync(cts.Token);

            var state = await app.ResourceNotifications.WaitForResourceAsync("dependent", KnownResourceStates.FailedToStart, cts.Token);

            Assert.Equal(KnownResourceStates.FailedToStart, state);
            Assert.True(app.ResourceNotifications.TryGetCurrentState("dependent", out var current));
            Assert.Null(current.Snapshot.Pid);
            Assert.Null(current.Snapshot.StartTimeStamp);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    internal static async Task<IReadOnlyList<LogLine>> WaitForLinesAsync(DistributedApplication app, string resourceName, int count, CancellationToken cancellationToken)
    {
        var logs = (ResourceLoggerService)app.Services.GetService(typeof(ResourceLoggerService))!;
        var lines = new List<LogLine>();
        await foreach (var batch in logs.WatchAsync(resourceName, cancellationToken))
        {
            lines.AddRange(batch);
            if (lines.Count >= count)
            {
                break;
            }
        }

        return lines;
    }
}
