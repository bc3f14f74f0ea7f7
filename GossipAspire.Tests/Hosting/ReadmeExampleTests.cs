using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Hosting;

/// <summary>The README's example test, verbatim, so the example stays true.</summary>
[Collection(ProcessCollection.Name)]
public sealed class ReadmeExampleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Node3_WhenClusterRuns_AnswersHealthy()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GossipAspire_AppHost>(["--nodes", "3"], cts.Token);
        builder.Services.AddLogging(logging => logging.AddProvider(new XunitLoggerProvider(output)));
        await using var app = await builder.BuildAsync(cts.Token);
        try
        {
            await app.StartAsync(cts.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("node-3", cts.Token);

            using var client = app.CreateHttpClient("node-3");
            Assert.Equal("Healthy", await client.GetStringAsync("/health", cts.Token));
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }
}
