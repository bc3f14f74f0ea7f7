using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace GossipAspire.AppHost;

/// <summary>
/// The cluster the AppHost runs: <c>--nodes</c> nodes on consecutive ports from <c>--base-port</c>, each picking
/// a book every <c>--pick-interval</c> (the node's own default when not given). Also read from configuration
/// (<c>Cluster:Nodes</c>, <c>Cluster:BasePort</c>, <c>Cluster:PickInterval</c>, e.g. env <c>Cluster__Nodes=25</c>);
/// the command line wins.
/// </summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";
    public const int MaxNodes = 200;

    public int Nodes { get; set; } = 10;

    public int BasePort { get; set; } = 5001;

    /// <summary>
    /// Set on every node as <c>Gossip__PickInterval</c>; null leaves the node's default. A long interval lets a
    /// test drive every pick itself through <c>POST /pick/</c>.
    /// </summary>
    public TimeSpan? PickInterval { get; set; }

    /// <summary>How each node process is started (<c>--node-launch exec|run|aot</c>).</summary>
    public NodeLaunchMode NodeLaunch { get; set; } = NodeLaunchMode.Exec;

    /// <summary>With <c>--node-launch exec</c>: a built node assembly to run instead of the node project's own build.</summary>
    public string? NodeAssembly { get; set; }

    /// <summary>
    /// Whether the AppHost wakes Aspire's health check of a starting node the moment the node answers
    /// (<see cref="PromptHealthChecks"/>); <c>Cluster:PromptHealthChecks=false</c> leaves Aspire's own back-off.
    /// </summary>
    public bool PromptHealthChecks { get; set; } = true;

    /// <summary>
    /// <c>--open</c>: run the nodes without a keyring, open and gem-compatible (a mixed network with Ruby gem nodes
    /// needs it). By default the AppHost generates a secret key and every node signs and verifies with it.
    /// </summary>
    public bool Open { get; set; }

    /// <summary>
    /// The command line with every bare switch (<c>--open</c> with no value after it) given as <c>--open=true</c>,
    /// since the configuration's command-line reader would take the next argument as its value, or drop it when last.
    /// </summary>
    public static string[] NormalizeSwitches(string[] args) =>
        [.. args.Select((arg, i) => arg == "--open" && (i + 1 == args.Length || args[i + 1].StartsWith('-')) ? "--open=true" : arg)];

    /// <summary>Where <c>node-k</c> listens (its id is the port).</summary>
    public int PortOf(int k) => BasePort + k - 1;

    /// <summary>Reads and validates the options; every problem is reported at once.</summary>
    public static ClusterOptions FromConfiguration(IConfiguration configuration)
    {
        var options = new ClusterOptions();
        var problems = new List<string>();
        var section = configuration.GetSection(SectionName);
        options.Nodes = ReadInt(configuration["nodes"] ?? section[nameof(Nodes)], "--nodes", options.Nodes, problems);
        options.BasePort = ReadInt(configuration["base-port"] ?? section[nameof(BasePort)], "--base-port", options.BasePort, problems);
        options.PickInterval = ReadTimeSpan(configuration["pick-interval"] ?? section[nameof(PickInterval)], "--pick-interval", problems);
        options.NodeLaunch = ReadLaunch(configuration["node-launch"] ?? section[nameof(NodeLaunch)], problems);
        options.NodeAssembly = configuration["node-assembly"] ?? section[nameof(NodeAssembly)];
        options.PromptHealthChecks = ReadBool(section[nameof(PromptHealthChecks)], "Cluster:PromptHealthChecks", true, problems);
        options.Open = ReadBool(configuration["open"] ?? section[nameof(Open)], "--open", false, problems);

        var result = new ValidateClusterOptions().Validate(null, options);
        if (result.Failed)
        {
            problems.AddRange(result.Failures);
        }

        return problems.Count == 0
            ? options
            : throw new OptionsValidationException(SectionName, typeof(ClusterOptions), problems);
    }

    private static int ReadInt(string? text, string name, int fallback, List<string> problems)
    {
        if (text is null)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        problems.Add($"{name} must be a whole number (got '{text}').");
        return fallback;
    }

    private static bool ReadBool(string? text, string name, bool fallback, List<string> problems)
    {
        if (text is null)
        {
            return fallback;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        problems.Add($"{name} must be true or false (got '{text}').");
        return fallback;
    }

    private static NodeLaunchMode ReadLaunch(string? text, List<string> problems)
    {
        if (text is null)
        {
            return NodeLaunchMode.Exec;
        }

        if (Enum.TryParse<NodeLaunchMode>(text, ignoreCase: true, out var mode) && Enum.IsDefined(mode))
        {
            return mode;
        }

        problems.Add($"--node-launch must be exec, run or aot (got '{text}').");
        return NodeLaunchMode.Exec;
    }

    private static TimeSpan? ReadTimeSpan(string? text, string name, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        problems.Add($"{name} must be a time span such as 00:00:10 (got '{text}').");
        return null;
    }
}

/// <summary>The rules for <see cref="ClusterOptions"/>, all checked together.</summary>
public sealed class ValidateClusterOptions : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        var problems = new List<string>();
        if (options.Nodes is < 1 or > ClusterOptions.MaxNodes)
        {
            problems.Add($"--nodes must be between 1 and {ClusterOptions.MaxNodes} (got {options.Nodes}).");
        }

        if (options.BasePort is < 1 or > 65535)
        {
            problems.Add($"--base-port must be between 1 and 65535 (got {options.BasePort}).");
        }
        else if (options.Nodes >= 1 && options.BasePort + options.Nodes - 1 > 65535)
        {
            problems.Add($"--base-port {options.BasePort} with {options.Nodes} nodes would need ports past 65535.");
        }

        if (options.PickInterval is { } pickInterval && pickInterval <= TimeSpan.Zero)
        {
            problems.Add($"--pick-interval must be longer than zero (got {pickInterval}).");
        }

        if (options.NodeAssembly is { } assembly && !File.Exists(assembly))
        {
            problems.Add($"--node-assembly: no file at '{assembly}'.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
