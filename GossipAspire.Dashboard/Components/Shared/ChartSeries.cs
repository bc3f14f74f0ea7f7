namespace GossipAspire.Dashboard.Components.Shared;

public sealed record ChartPoint(DateTime Time, double Value);

public sealed record ChartSeries(string Label, IReadOnlyList<ChartPoint> Points);
