using System.Diagnostics;
using System.Globalization;

namespace GossipAspire.Benchmark;

/// <summary>
/// How busy the whole machine is, from the first line of <c>/proc/stat</c>. The machine is shared, so the report
/// says how much CPU went to processes other than the nodes and the benchmark while it measured: figures taken
/// while others were busy are not figures of the gossip.
/// </summary>
public static class MachineCpu
{
    /// <summary>CPU seconds all cores have spent busy (not idle, not waiting for I/O) since boot; null where unknown.</summary>
    public static double? BusySeconds()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First();
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();

            // user nice system idle iowait irq softirq steal ...
            var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + (fields.Length > 7 ? fields[7] : 0);
            return busy / (double)NodeProcess.ClockTicksPerSecond;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>CPU seconds this benchmark process has used.</summary>
    public static double OwnSeconds()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>Share of all cores busy over <paramref name="span"/>, in percent; null where unknown.</summary>
    public static async Task<double?> BusyPercentAsync(TimeSpan span, CancellationToken cancellationToken)
    {
        var before = BusySeconds();
        var clock = Stopwatch.StartNew();
        await Task.Delay(span, cancellationToken);
        var after = BusySeconds();
        return before is { } b && after is { } a
            ? Math.Clamp((a - b) / (clock.Elapsed.TotalSeconds * Environment.ProcessorCount) * 100, 0, 100)
            : null;
    }
}
