using System.Globalization;

namespace GossipAspire.Lab.Components.Shared;

/// <summary>How times, durations, versions and shares read on the pages.</summary>
public static class Format
{
    public static string Time(DateTime? time) => time is null ? "" : time.Value.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan? duration) => duration?.TotalMilliseconds switch
    {
        null => "",
        < 0 => "-" + Duration(-duration.Value),
        < 1 => $"{duration.Value.TotalMicroseconds.ToString("0", CultureInfo.InvariantCulture)} µs",
        < 1_000 => $"{duration.Value.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture)} ms",
        < 60_000 => $"{duration.Value.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture)} s",
        _ => $"{duration.Value.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min",
    };

    public static string Percent(double? value) => value is null ? "n/a" : (value.Value * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>The pick counter: the low 20 bits of a version (docs/PROTOCOL.md section 6); the whole version goes in a title.</summary>
    public static string Counter(long? version) => version is null ? "–" : (version.Value & 0xFFFFF).ToString(CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A label that fits a small circle: the number ending a name like node-3, else the name if it is short, else nothing.</summary>
    public static string Short(string name)
    {
        var end = name.Length;
        while (end > 0 && char.IsAsciiDigit(name[end - 1]))
        {
            end--;
        }

        return end > 0 && end < name.Length && name.Length - end <= 3 ? name[end..] : name.Length <= 3 ? name : "";
    }
}
