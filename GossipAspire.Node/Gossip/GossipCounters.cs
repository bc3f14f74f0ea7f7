namespace GossipAspire.Node.Gossip;

/// <summary>
/// The node's traffic counters. Each count goes to two places at once: the running totals that
/// <c>GET /state/</c> shows as <c>stats</c>, and the matching instrument of the <see cref="GossipTelemetry"/> meter.
/// Thread-safe (every total is updated with <see cref="Interlocked"/>).
/// </summary>
public sealed class GossipCounters(GossipTelemetry telemetry)
{
    private long _requestsSent;
    private long _bytesSent;
    private long _requestsFailed;
    private long _messagesSent;
    private long _messagesReceived;
    private long _messagesDuplicate;
    private long _messagesDropped;
    private readonly long[] _refused = new long[RefusalReasons.All.Length];
    private readonly long[] _requestsRefused = new long[RefusalReasons.AllRequest.Length];

    public GossipStats Snapshot() => new(
        Interlocked.Read(ref _requestsSent),
        Interlocked.Read(ref _bytesSent),
        Interlocked.Read(ref _requestsFailed),
        Interlocked.Read(ref _messagesSent),
        Interlocked.Read(ref _messagesReceived),
        Interlocked.Read(ref _messagesDuplicate),
        Interlocked.Read(ref _messagesDropped),
        Total(_refused),
        Total(_requestsRefused));

    /// <summary>Refused messages by reason (every reason, zeros included), for tests and people.</summary>
    public IReadOnlyDictionary<string, long> RefusedByReason() =>
        RefusalReasons.All.ToDictionary(r => r.Tag(), r => Interlocked.Read(ref _refused[(int)r]), StringComparer.Ordinal);

    private static long Total(long[] counts)
    {
        long total = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            total += Interlocked.Read(ref counts[i]);
        }

        return total;
    }

    /// <summary>One node-to-node request is about to go out, carrying <paramref name="messages"/> messages.</summary>
    public void RequestSent(int bytes, int messages)
    {
        Interlocked.Increment(ref _requestsSent);
        Interlocked.Add(ref _bytesSent, bytes);
        Interlocked.Add(ref _messagesSent, messages);
        telemetry.RequestsSent.Add(1);
        telemetry.MessagesSent.Add(messages);
    }

    public void RequestFailed()
    {
        Interlocked.Increment(ref _requestsFailed);
        telemetry.RequestsSent.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
    }

    public void MessageReceived()
    {
        Interlocked.Increment(ref _messagesReceived);
        telemetry.MessagesReceived.Add(1);
    }

    public void MessageDuplicate()
    {
        Interlocked.Increment(ref _messagesDuplicate);
        telemetry.MessagesDuplicate.Add(1);
    }

    /// <summary>A message whose ttl ran out.</summary>
    public void MessageDropped()
    {
        Interlocked.Increment(ref _messagesDropped);
        telemetry.MessagesDropped.Add(1);
    }

    /// <summary>A message <see cref="Admission"/> refused: never stored, never forwarded.</summary>
    public void MessageRefused(RefusalReason reason)
    {
        Interlocked.Increment(ref _refused[(int)reason]);
        telemetry.MessagesRefused.Add(1, new KeyValuePair<string, object?>("reason", reason.Tag()));
    }

    /// <summary>A <c>/digest/</c> or <c>/peers/{id}</c> request answered 401: its MAC was missing or not valid.</summary>
    public void RequestRefused(RequestRefusalReason reason)
    {
        Interlocked.Increment(ref _requestsRefused[(int)reason]);
        telemetry.RequestsRefused.Add(1, new KeyValuePair<string, object?>("reason", reason.Tag()));
    }

    public void PropagationDelay(TimeSpan delay) => telemetry.PropagationDelay.Record(Math.Max(0, delay.TotalMilliseconds));
}
