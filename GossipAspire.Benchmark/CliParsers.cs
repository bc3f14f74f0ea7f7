using System.CommandLine.Parsing;
using System.Globalization;

namespace GossipAspire.Benchmark;

/// <summary>
/// The option parsers every benchmark command shares, so a bad value reads the same everywhere:
/// <c>--nodes must be between 2 and 200 (got 1).</c>, <c>--delay may be at most 10s (got 11s).</c>
/// </summary>
internal static class CliParsers
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, or an error naming the option.</summary>
    public static int? ParseInt(ArgumentResult result, int min, int max)
    {
        var option = (result.Parent as OptionResult)?.Option.Name ?? "value";
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError($"{option}: '{text}' is not a whole number.");
            return null;
        }

        if (value < min || value > max)
        {
            result.AddError($"{option} must be between {min} and {max} (got {value}).");
            return null;
        }

        return value;
    }

    /// <summary>A duration (<c>300ms</c>, <c>10s</c>, <c>2m</c>) above zero (or zero, if allowed) and at most <paramref name="max"/>.</summary>
    public static TimeSpan? ParseDuration(ArgumentResult result, bool allowZero, TimeSpan max)
    {
        var option = (result.Parent as OptionResult)?.Option.Name ?? "duration";
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
        if (!Duration.TryParse(text, out var value, out var error))
        {
            result.AddError($"{option}: {error}.");
            return null;
        }

        if (!allowZero && value <= TimeSpan.Zero)
        {
            result.AddError($"{option} must be longer than zero.");
            return null;
        }

        if (value > max)
        {
            result.AddError($"{option} may be at most {Duration.Format(max)} (got {Duration.Format(value)}).");
            return null;
        }

        return value;
    }
}
