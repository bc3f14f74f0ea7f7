using System.Globalization;
using Aspire.Hosting.Testing;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Hosting;

/// <summary>What the hosting tests share: a builder that logs to the test output, timeouts, and process checks.</summary>
internal static class HostingTestHelpers
{
    /// <summary>Generous: the machine is shared and slow; a test that works finishes far sooner.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public static IDistributedApplicationTestingBuilder CreateBuilder(ITestOutputHelper output)
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.Services.AddLoggingToTestOutput(output);
        return builder;
    }

    public static CancellationTokenSource TimeoutToken() => new(Timeout);

    /// <summary>True once the process is gone (or a zombie nobody reaped yet, which runs no code and holds no port).</summary>
    public static bool ProcessIsGone(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is "Z" or "X";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    public static async Task WaitUntilGoneAsync(int pid, CancellationToken cancellationToken)
    {
        while (!ProcessIsGone(pid))
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>The environment a running process really has, read back from /proc.</summary>
    public static IReadOnlyDictionary<string, string> ReadEnvironment(int pid)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                environment[entry[..equals]] = entry[(equals + 1)..];
            }
        }

        return environment;
    }

    public static int ParseInt(string text) => int.Parse(text.Trim(), CultureInfo.InvariantCulture);
}
