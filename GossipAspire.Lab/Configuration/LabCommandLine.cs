namespace GossipAspire.Lab.Configuration;

/// <summary>
/// The short forms for naming nodes: <c>--node URL</c> (repeatable) and <c>--nodes URL,URL</c>. The
/// configuration system keeps only the last value of a repeated switch, so these are taken out of the
/// arguments here and the rest goes to ASP.NET Core as usual (<c>--urls</c>, <c>--Lab:DashboardUrl=...</c>).
/// </summary>
public sealed record LabCommandLine(IReadOnlyList<string> Nodes, IReadOnlyList<string> Rest, IReadOnlyList<string> Problems)
{
    public static LabCommandLine Parse(IReadOnlyList<string> args)
    {
        var nodes = new List<string>();
        var rest = new List<string>();
        var problems = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var (name, inline) = Split(arg);
            if (name is not ("--node" or "--nodes"))
            {
                rest.Add(arg);
                continue;
            }

            var value = inline;
            if (value is null)
            {
                if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    value = args[++i];
                }
                else
                {
                    problems.Add($"{name} needs a node URL.");
                    continue;
                }
            }

            var urls = name == "--nodes"
                ? value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : [value.Trim()];
            if (urls.Length == 0 || urls.Any(u => u.Length == 0))
            {
                problems.Add($"{name} needs a node URL.");
                continue;
            }

            nodes.AddRange(urls);
        }

        return new LabCommandLine(nodes, rest, problems);
    }

    private static (string Name, string? Value) Split(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }
}
