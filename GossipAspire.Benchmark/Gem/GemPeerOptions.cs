using System.Globalization;

namespace GossipAspire.Benchmark.Gem;

/// <summary>How one stand-in gem node runs. The defaults are the gem's own; tests shorten the intervals.</summary>
public sealed record GemPeerOptions
{
    /// <summary>The port it listens on (127.0.0.1), which is also its id.</summary>
    public required int Port { get; init; }

    /// <summary>The node it joins through once at start (<c>GET /peers/{own port}</c>); null: it is the first node.</summary>
    public int? Seed { get; init; }

    /// <summary>How often it POSTs its whole message cache to <see cref="Fanout"/> random peers (the gem: 10 s).</summary>
    public TimeSpan PushInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often it picks a new book, with version 1, 2, 3... (the gem: 15 s).</summary>
    public TimeSpan PickInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How many random peers each push goes to (the gem: 2).</summary>
    public int Fanout { get; init; } = 2;

    /// <summary>The ttl of its own picks.</summary>
    public long Ttl { get; init; } = 3;

    /// <summary>How long one of its requests may take before it counts as a failed connection (Ruby's Net::HTTP: 60 s).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The books it picks from.</summary>
    public IReadOnlyList<string> Books { get; init; } = DefaultBooks;

    /// <summary>Where its lines go (peers dropped, the crash), if anywhere.</summary>
    public Action<string>? Log { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public static IReadOnlyList<string> DefaultBooks { get; } =
        [.. Enumerable.Range(1, 20).Select(i => string.Create(CultureInfo.InvariantCulture, $"Gem Book {i} by Gem Author {i}"))];

    /// <summary>The problems with these options, all at once; empty when they are fine.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Port is < 1 or > 65535)
        {
            problems.Add($"Port must be between 1 and 65535 (got {Port}).");
        }

        if (Seed is { } seed && (seed is < 1 or > 65535 || seed == Port))
        {
            problems.Add($"Seed must be another port between 1 and 65535 (got {seed}).");
        }

        foreach (var (name, value) in new[] { ("PushInterval", PushInterval), ("PickInterval", PickInterval), ("RequestTimeout", RequestTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add($"{name} must be positive (got {value}).");
            }
        }

        if (Fanout < 1)
        {
            problems.Add($"Fanout must be at least 1 (got {Fanout}).");
        }

        if (Ttl < 1)
        {
            problems.Add($"Ttl must be at least 1 (got {Ttl}).");
        }

        if (Books.Count < 2)
        {
            problems.Add("Books must hold at least two books, so a pick can change the book.");
        }

        return problems;
    }
}
