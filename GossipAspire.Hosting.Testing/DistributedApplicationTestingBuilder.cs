using System.Reflection;
using System.Runtime.CompilerServices;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting.Testing;

/// <summary>
/// Builds a <see cref="DistributedApplication"/> for a test. <see cref="CreateAsync{TEntryPoint}(CancellationToken)"/>
/// runs the AppHost's real entry point (its <c>Program</c>) on a thread of its own until it calls
/// <c>Build()</c>, takes its builder there and ends the entry point, so the test can adjust the builder before
/// <see cref="IDistributedApplicationTestingBuilder.BuildAsync"/>. In a test every endpoint gets a free port
/// (so parallel runs never collide), resources' console output goes to the host's <c>ILogger</c>, the terminal
/// view and Ctrl+C handling are off, and the dashboard is off unless the test turns it on.
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    public static Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(CancellationToken cancellationToken = default)
        where TEntryPoint : class =>
        CreateAsync(typeof(TEntryPoint), [], (_, _) => { }, cancellationToken);

    public static Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(string[] args, CancellationToken cancellationToken = default)
        where TEntryPoint : class =>
        CreateAsync(typeof(TEntryPoint), args, (_, _) => { }, cancellationToken);

    public static Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(
        string[] args,
        Action<DistributedApplicationOptions, HostApplicationBuilderSettings> configureBuilder,
        CancellationToken cancellationToken = default)
        where TEntryPoint : class =>
        CreateAsync(typeof(TEntryPoint), args, configureBuilder, cancellationToken);

    /// <summary>Runs the entry point of <paramref name="entryPoint"/>'s assembly (a generated <c>Projects.*_AppHost</c> class lives there).</summary>
    public static async Task<IDistributedApplicationTestingBuilder> CreateAsync(
        Type entryPoint,
        string[] args,
        Action<DistributedApplicationOptions, HostApplicationBuilderSettings> configureBuilder,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entryPoint);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configureBuilder);
        var assembly = entryPoint.Assembly;
        var main = assembly.EntryPoint
            ?? throw new InvalidOperationException($"Assembly '{assembly.GetName().Name}' has no entry point; pass a type from the AppHost project, such as Projects.<Name>_AppHost.");

        var interceptor = new TestingInterceptor(assembly, configureBuilder, captureOnBuild: true);
        var thread = new Thread(() => RunEntryPoint(main, args, interceptor))
        {
            IsBackground = true,
            Name = $"{assembly.GetName().Name} entry point",
        };
        thread.Start();

        var builder = await interceptor.Captured.Task.WaitAsync(cancellationToken);
        return new TestingBuilder(builder);
    }

    /// <summary>An empty application, for tests that declare their resources themselves.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IDistributedApplicationTestingBuilder Create(params string[] args) => Create(Assembly.GetCallingAssembly(), args, (_, _) => { });

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IDistributedApplicationTestingBuilder Create(string[] args, Action<DistributedApplicationOptions, HostApplicationBuilderSettings> configureBuilder) =>
        Create(Assembly.GetCallingAssembly(), args, configureBuilder);

    private static IDistributedApplicationTestingBuilder Create(Assembly testAssembly, string[] args, Action<DistributedApplicationOptions, HostApplicationBuilderSettings> configureBuilder)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configureBuilder);
        var interceptor = new TestingInterceptor(testAssembly, configureBuilder, captureOnBuild: false);
        var previous = BuilderInterception.Current.Value;
        BuilderInterception.Current.Value = interceptor;
        try
        {
            return new TestingBuilder(new DistributedApplicationBuilder(new DistributedApplicationOptions { Args = args }));
        }
        finally
        {
            BuilderInterception.Current.Value = previous;
        }
    }

    private static void RunEntryPoint(MethodInfo main, string[] args, TestingInterceptor interceptor)
    {
        BuilderInterception.Current.Value = interceptor;
        try
        {
            var result = main.Invoke(null, main.GetParameters().Length == 0 ? [] : [args]);
            if (result is Task task)
            {
                task.GetAwaiter().GetResult();
            }

            interceptor.Captured.TrySetException(new InvalidOperationException(
                $"The entry point of '{main.DeclaringType?.Assembly.GetName().Name}' returned without building a DistributedApplication."));
        }
        catch (Exception ex) when (Unwrap(ex) is EntryPointStoppedException)
        {
            // The builder was captured; this is how the entry point ends.
        }
        catch (Exception ex)
        {
            interceptor.Captured.TrySetException(Unwrap(ex));
        }
    }

    private static Exception Unwrap(Exception exception) =>
        exception is TargetInvocationException { InnerException: { } inner } ? inner : exception;

    /// <summary>Thrown from inside the entry point's <c>Build()</c> to end it once its builder is captured.</summary>
    private sealed class EntryPointStoppedException() : Exception("The testing builder stopped the AppHost's entry point to take its builder.");

    private sealed class TestingInterceptor(
        Assembly appHostAssembly,
        Action<DistributedApplicationOptions, HostApplicationBuilderSettings> configureBuilder,
        bool captureOnBuild) : IDistributedApplicationBuilderInterceptor
    {
        public TaskCompletionSource<DistributedApplicationBuilder> Captured { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnConstructing(DistributedApplicationOptions options, HostApplicationBuilderSettings settings)
        {
            options.IsTesting = true;
            options.DisableDashboard = true;
            options.EnableResourceLogging = true;
            options.Assembly ??= appHostAssembly;
            settings.Configuration ??= new ConfigurationManager();
            settings.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DcpPublisher:RandomizePorts"] = "true",
            });

            try
            {
                configureBuilder(options, settings);
            }
            catch (Exception ex)
            {
                Captured.TrySetException(ex);
                throw;
            }
        }

        public void OnBuilding(DistributedApplicationBuilder builder)
        {
            if (captureOnBuild && Captured.TrySetResult(builder))
            {
                throw new EntryPointStoppedException();
            }
        }
    }

    private sealed class TestingBuilder(DistributedApplicationBuilder inner) : IDistributedApplicationTestingBuilder
    {
        public ConfigurationManager Configuration => inner.Configuration;

        public string AppHostDirectory => inner.AppHostDirectory;

        public Assembly? AppHostAssembly => inner.AppHostAssembly;

        public IHostEnvironment Environment => inner.Environment;

        public IServiceCollection Services => inner.Services;

        public IResourceCollection Resources => inner.Resources;

        public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource => inner.AddResource(resource);

        public IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource => inner.CreateResourceBuilder(resource);

        public DistributedApplication Build()
        {
            // BuildAsync runs on the test's own flow, where no interceptor is set: Build goes through.
            var previous = BuilderInterception.Current.Value;
            BuilderInterception.Current.Value = null;
            try
            {
                return inner.Build();
            }
            finally
            {
                BuilderInterception.Current.Value = previous;
            }
        }

        public Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return Task.FromResult(Build());
            }
            catch (Exception ex)
            {
                return Task.FromException<DistributedApplication>(ex);
            }
        }

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>A builder from <see cref="DistributedApplicationTestingBuilder"/>: adjust it, then <see cref="BuildAsync"/>.</summary>
public interface IDistributedApplicationTestingBuilder : IDistributedApplicationBuilder, IAsyncDisposable, IDisposable
{
    Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default);
}
