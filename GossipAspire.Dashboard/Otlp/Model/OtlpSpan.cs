namespace GossipAspire.Dashboard.Otlp.Model;

public enum OtlpSpanKind
{
    Unspecified,
    Internal,
    Server,
    Client,
    Producer,
    Consumer,
}

public enum OtlpSpanStatusCode
{
    Unset,
    Ok,
    Error,
}

/// <summary>A span as stored: ids in lower-case hex, times in UTC, attribute values typed (see <see cref="AttributeValues"/>).</summary>
public sealed class OtlpSpan
{
    public required string TraceId { get; init; }

    public required string SpanId { get; init; }

    /// <summary>Empty on a root span.</summary>
    public required string ParentSpanId { get; init; }

    public required string Name { get; init; }

    public required OtlpSpanKind Kind { get; init; }

    public required DateTime StartTime { get; init; }

    public required DateTime EndTime { get; init; }

    public required OtlpSpanStatusCode Status { get; init; }

    public string? StatusMessage { get; init; }

    public required KeyValuePair<string, object?>[] Attributes { get; init; }

    public required OtlpSpanEvent[] Events { get; init; }

    public required OtlpSpanLink[] Links { get; init; }

    public required OtlpResource Resource { get; init; }

    public required string ScopeName { get; init; }

    public string? TraceState { get; init; }

    public TimeSpan Duration => EndTime - StartTime;

    public object? GetAttribute(string key)
    {
        foreach (var attribute in Attributes)
        {
            if (attribute.Key == key)
            {
                return attribute.Value;
            }
        }

        return null;
    }
}

public sealed record OtlpSpanEvent(string Name, DateTime Time, KeyValuePair<string, object?>[] Attributes);

public sealed record OtlpSpanLink(string TraceId, string SpanId, string? TraceState, KeyValuePair<string, object?>[] Attributes);
