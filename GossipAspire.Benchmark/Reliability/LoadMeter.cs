using System.Diagnostics;
using System.Globalization;

namespace GossipAspire.Benchmark.Reliability;

/// <summary>
/// How loaded the machine was while a figure was taken: the 1-minute load average at the start and the end, the
/// share of all cores busy, and the share used by processes other than the nodes and this program. On a shared
/// 2-core machine a figure means little without it.
/// </summary>
public sealed record LoadFigures(double? LoadAverageStart, double? LoadAverageEnd, double? CoresBusyPercent, double? OthersPercent);

/// <summary>Measures <see cref="LoadFigures"/> from a start to a stop.</summary>
public sealed class LoadMeter
{
    private readonly Func<double>? _nodeCpuSeconds;
    private readonly double? _loadStart = LoadAverage();
    private readonly double? _busyStart = MachineCpu.BusySeconds();
    private readonly double _ownStart = MachineCpu.OwnSeconds();
    private readonly double _nodesStart;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <param name="nodeCpuSeconds">CPU seconds the nodes have used so far (the cluster can tell); without it, the
    /// share of other processes is not known.</param>
    public LoadMeter(Func<double>? nodeCpuSeconds)
    {
        _nodeCpuSeconds = nodeCpuSeconds;
        _nodesStart = nodeCpuSeconds?.Invoke() ?? 0;
    }

    public LoadFigures Stop()
    {
        var seconds = _clock.Elapsed.TotalSeconds * Environment.ProcessorCount;
        var busy = MachineCpu.BusySeconds() - _busyStart;
        var others = _nodeCpuSeconds is null ? null : busy - (_nodeCpuSeconds() - _nodesStart) - (MachineCpu.OwnSeconds() - _ownStart);
        return new LoadFigures(
            Round(_loadStart),
            Round(LoadAverage()),
            busy is { } b && seconds > 0 ? Round(Math.Clamp(b / seconds * 100, 0, 100)) : null,
            others is { } o && seconds > 0 ? Round(Math.Clamp(o / seconds * 100, 0, 100)) : null);
    }

    /// <summary>The 1-minute load average from <c>/proc/loadavg</c>; null where there is none.</summary>
    public static double? LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 1) : null;
}
