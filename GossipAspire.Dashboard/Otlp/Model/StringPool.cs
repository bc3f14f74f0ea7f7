using System.Collections.Concurrent;

namespace GossipAspire.Dashboard.Otlp.Model;

/// <summary>
/// Telemetry repeats itself: every span of a node carries the same attribute keys and mostly the same short
/// values ("gossip.origin" = "5001"). The protobuf parser allocates a fresh string for each; keeping one copy
/// lets the parsed ones die young and cuts the store's memory by about half. Bounded: past the cap, strings are
/// kept as they came.
/// </summary>
public static class StringPool
{
    private const int MaxEntries = 100_000;
    private const int MaxPooledLength = 96;
    private static readonly ConcurrentDictionary<string, string> s_pool = new(StringComparer.Ordinal);
    private static int s_count;

    public static string Get(string value)
    {
        if (value.Length > MaxPooledLength)
        {
            return value;
        }

        if (s_pool.TryGetValue(value, out var pooled))
        {
            return pooled;
        }

        // ConcurrentDictionary.Count takes every lock; a counter of our own is enough for a cap.
        if (Volatile.Read(ref s_count) >= MaxEntries)
        {
            return value;
        }

        var added = s_pool.GetOrAdd(value, value);
        if (ReferenceEquals(added, value))
        {
            Interlocked.Increment(ref s_count);
        }

        return added;
    }
}
