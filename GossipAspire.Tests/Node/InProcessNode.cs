using System.Text.Json;
using GossipAspire.Node.Gossip;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace GossipAspire.Tests.Node;

/// <summary>
/// One node's real HTTP pipeline in-process (WebApplicationFactory), its timers parked and its outgoing requests
/// failing at once (<see cref="UnreachableTransport"/>, unless a test gives its own): for tests of one node's
/// surface, not of a network.
/// </summary>
public sealed class InProcessNode : IDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    public InProcessNode(params (string Key, string Value)[] settings)
        : this(new UnreachableTransport(), settings)
    {
    }

    public InProcessNode(IGossipTransport transport, params (string Key, string Value)[] settings)
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Gossip:Port", "5001");
            web.UseSetting("Gossip:PickInterval", "01:00:00");
            web.UseSetting("Gossip:AntiEntropyInterval", "01:00:00");
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }

            web.ConfigureTestServices(services => services.AddSingleton(transport));
        });
        Client = _factory.CreateClient();

        // The worker announces the starting book with a first pick just after start; a test that compares states
        // must not have it land in between, so it begins once that pick is made.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((Engine.Current.Version & ((1L << GossipEngine.GenerationShift) - 1)) == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The in-process node made no first pick within 30 s.");
            }

            Thread.Sleep(5);
        }
    }

    public HttpClient Client { get; }

    public GossipEngine Engine => _factory.Services.GetRequiredService<GossipEngine>();

    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        var text = await Client.GetStringAsync(path, cancellationToken);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public void Dispose()
    {
        Client.Dispose();
        _factory.Dispose();
    }
}

/// <summary>Every outgoing request fails at once: tests that look at one node, not a network.</summary>
public class UnreachableTransport : IGossipTransport
{
    public Task<IReadOnlyList<string>> JoinAsync(string seed, string self, CancellationToken cancellationToken) =>
        Task.FromException<IReadOnlyList<string>>(new HttpRequestException("unreachable in this test"));

    public virtual Task SendAsync(string peer, byte[] envelope, GossipHeaders headers, CancellationToken cancellationToken) =>
        Task.FromException(new HttpRequestException("unreachable in this test"));

    public Task<byte[]> ExchangeDigestAsync(string peer, byte[] digest, CancellationToken cancellationToken) =>
        Task.FromException<byte[]>(new HttpRequestException("unreachable in this test"));
}
