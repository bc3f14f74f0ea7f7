using GossipAspire.Lab.Nodes;
using Microsoft.Extensions.Options;

namespace GossipAspire.Lab.Configuration;

/// <summary>Reports every problem with the Lab's settings at once, so one run shows all that needs fixing.</summary>
public sealed class LabOptionsValidator(IConfiguration configuration) : IValidateOptions<LabOptions>
{
    public ValidateOptionsResult Validate(string? name, LabOptions options)
    {
        var problems = new List<string>(NodeSources.Read(configuration, options).Problems);

        if (options.DashboardUrl is { Length: > 0 } dashboard
            && !(Uri.TryCreate(dashboard, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            problems.Add($"Lab:DashboardUrl '{dashboard}' is not an http URL.");
        }

        Positive(options.PollInterval, "PollInterval", problems);
        Positive(options.RequestTimeout, "RequestTimeout", problems);
        if (options.DuplicateWindow < TimeSpan.Zero)
        {
            problems.Add($"Lab:DuplicateWindow must not be negative (got {options.DuplicateWindow}).");
        }

        Between(options.MaxChanges, 1, 100_000, "MaxChanges", problems);
        Between(options.HistoryPageSize, 1, 10_000, "HistoryPageSize", problems);
        Between(options.HistoryPagesPerPoll, 1, 100, "HistoryPagesPerPoll", problems);
        Between(options.FreshnessHistoryLength, 2, 100_000, "FreshnessHistoryLength", problems);

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>The URLs the Lab listens on must be loopback: it shows a whole network and has no login.</summary>
    public static IEnumerable<string> CheckListenUrls(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || !NodeAddress.IsLoopback(uri.Host))
            {
                yield return $"the listen URL '{url}' is not a loopback http URL (use http://127.0.0.1:PORT or http://localhost:PORT).";
            }
        }
    }

    private static void Positive(TimeSpan value, string name, List<string> problems)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"Lab:{name} must be positive (got {value}).");
        }
    }

    private static void Between(int value, int minimum, int maximum, string name, List<string> problems)
    {
        if (value < minimum || value > maximum)
        {
            problems.Add($"Lab:{name} must be between {minimum} and {maximum} (got {value}).");
        }
    }
}
