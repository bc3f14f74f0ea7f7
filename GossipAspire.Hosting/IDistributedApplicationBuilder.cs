using System.Reflection;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting;

/// <summary>What an AppHost's <c>Program</c> declares its resources on before it calls <see cref="Build"/>.</summary>
public interface IDistributedApplicationBuilder
{
    ConfigurationManager Configuration { get; }

    /// <summary>The AppHost project's directory; relative project paths start here.</summary>
    string AppHostDirectory { get; }

    Assembly? AppHostAssembly { get; }

    IHostEnvironment Environment { get; }

    IServiceCollection Services { get; }

    IResourceCollection Resources { get; }

    IResourceBuilder<T> AddResource<T>(T resource) where T : IResource;

    IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource;

    DistributedApplication Build();
}
