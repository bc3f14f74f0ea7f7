using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace GossipAspire.Benchmark;

/// <summary>
/// Durations as a person types them on a command line: <c>100ms</c>, <c>1.5s</c>, <c>2m</c>, <c>1h</c>,
/// <c>250us</c>, or a .NET TimeSpan (<c>00:00:00.100</c>). A bare number is refused, because whether it means
/// milliseconds or seconds is a guess.
/// </summary>
public static class Duration
{
    private static readonly (string Suffix, double Milliseconds)[] s_units =
    [
        ("us", 0.001),
        ("ms", 1),
        ("s", 1000),
        ("m", 60_000),
        ("h", 3_600_000),
    ];

    public static bool TryParse(string? text, out TimeSpan value, [NotNullWhen(false)] out string? error)
    {
        value = TimeSpan.Zero;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "a duration is required, e.g. 100ms, 1.5s or 00:00:00.100";
            return false;
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero)
            {
                error = null;
                return true;
            }

            error = $"'{text}' is not a duration (a TimeSpan looks like 00:00:00.100)";
            return false;
        }

        // Longest suffix first, so "ms" is not read as "m" with an "s" left over.
        foreach (var (suffix, milliseconds) in s_units.OrderByDescending(u => u.Suffix.Length))
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                var number = text[..^suffix.Length].Trim();
                if (double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
                    && double.IsFinite(amount))
                {
                    value = TimeSpan.FromMilliseconds(amount * milliseconds);
                    error = null;
                    return true;
                }

                break;
            }
        }

        error = $"'{text}' is not a duration: write a number and a unit (us, ms, s, m, h), e.g. 100ms, or a TimeSpan such as 00:00:00.100";
        return false;
    }

    /// <summary>Short text for tables and file names: 100ms, 1.5s, 1h.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0";
        }

        if (value.TotalHours >= 1 && value.TotalHours == Math.Floor(value.TotalHours))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{value.TotalHours}h");
        }

        if (value.TotalMinutes >= 1 && value.TotalMinutes == Math.Floor(value.TotalMinutes))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{value.TotalMinutes}m");
        }

        return value.TotalSeconds >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.###}s")
            : string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0.###}ms");
    }

    /// <summary>The form .NET configuration binds to a TimeSpan: <c>00:00:00.1000000</c>.</summary>
    public static string ToConfiguration(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
