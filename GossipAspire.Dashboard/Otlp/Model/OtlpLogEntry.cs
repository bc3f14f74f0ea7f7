namespace GossipAspire.Dashboard.Otlp.Model;

public enum OtlpLogLevel
{
    Trace,
    Debug,
    Information,
    Warning,
    Error,
    Critical,
}

public sealed class OtlpLogEntry
{
    public required long Sequence { get; init; }

    public required DateTime Time { get; init; }

    public required OtlpLogLevel Level { get; init; }

    public required string SeverityText { get; init; }

    public required string Message { get; init; }

    public required KeyValuePair<string, object?>[] Attributes { get; init; }

    public required string TraceId { get; init; }

    public required string SpanId { get; init; }

    public required OtlpResource Resource { get; init; }

    public required string ScopeName { get; init; }

    public string? EventName { get; init; }

    /// <summary>OTLP severity numbers come in fours: 1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error, 21-24 fatal.</summary>
    public static OtlpLogLevel LevelFromSeverity(int severityNumber) => severityNumber switch
    {
        <= 4 => OtlpLogLevel.Trace,
        <= 8 => OtlpLogLevel.Debug,
        <= 12 => OtlpLogLevel.Information,
        <= 16 => OtlpLogLevel.Warning,
        <= 20 => OtlpLogLevel.Error,
        _ => OtlpLogLevel.Critical,
    };
}
