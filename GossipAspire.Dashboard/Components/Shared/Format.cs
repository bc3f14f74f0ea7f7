using System.Globalization;

namespace GossipAspire.Dashboard.Components.Shared;

/// <summary>How times and durations read on the pages.</summary>
public static class Format
{
    public static string Time(DateTime? time) => time is null ? "" : time.Value.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    public static string DateTime(DateTime? time) => time is null ? "" : time.Value.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan duration) => duration.TotalMilliseconds switch
    {
        < 1 => $"{duration.TotalMicroseconds.ToString("0", CultureInfo.InvariantCulture)} µs",
        < 1_000 => $"{duration.TotalMilliseconds.ToString("0.##", CultureInfo.InvariantCulture)} ms",
        < 60_000 => $"{duration.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture)} s",
        _ => $"{duration.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min",
    };

    public static string Number(double value) => Math.Abs(value) switch
    {
        >= 1e9 => (value / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + "G",
        >= 1e6 => (value / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 1e4 => (value / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ => value.ToString("0.###", CultureInfo.InvariantCulture),
    };

    public static string Percent(double? value) => value is null ? "n/a" : (value.Value * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    public static string StateClass(string stateStyle, string state) => stateStyle switch
    {
        "success" => "state-success",
        "error" => "state-error",
        "warning" => "state-warning",
        "info" => "state-info",
        _ => state switch
        {
            "Running" => "state-success",
            "FailedToStart" or "Exited" => "state-error",
            "Finished" => "state-info",
            _ => "state-warning",
        },
    };
}
