namespace GossipAspire.Lab;

/// <summary>
/// The Gossip Lab: the network, the who-knows-what matrix and the spread of each book change, read from the
/// nodes themselves. Everything is wired in <see cref="LabApplication"/>, so the tests start exactly this app.
/// (A named class rather than top-level statements: the tests reference the node too, and two global
/// <c>Program</c> classes would collide.)
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        WebApplication app;
        try
        {
            app = LabApplication.Create(args);
        }
        catch (LabConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"gossip lab: {ex.Message}");
            return 2;
        }

        await using (app)
        {
            return await app.RunLabAsync();
        }
    }
}
