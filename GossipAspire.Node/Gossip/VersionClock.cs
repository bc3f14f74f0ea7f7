namespace GossipAspire.Node.Gossip;

/// <summary>
/// This node's own version: <c>generation × 2^20 + counter</c>, the generation being the second it started
/// (docs/PROTOCOL.md, section 6), so a restart outranks everything the node said before. Also whether the node
/// has announced anything yet: the book it starts with stays to itself until its first pick.
/// Not thread-safe: the engine uses it under its lock.
/// </summary>
public sealed class VersionClock(DateTimeOffset startedAt)
{
    /// <summary>The low bits of a version count picks; the high bits are the generation (start time in seconds).</summary>
    public const int GenerationShift = 20;

    /// <summary>The largest version the protocol uses (2^53 - 1): JavaScript clients read every version exactly.</summary>
    public const long MaxVersion = (1L << 53) - 1;

    /// <summary>The generation of a version: the second its origin started (counters past 2^20 run into the next).</summary>
    public static long GenerationOf(long version) => version >> GenerationShift;

    /// <summary>The version now: counter 0 of this start's generation until the first pick.</summary>
    public long Current { get; private set; } = startedAt.ToUnixTimeSeconds() << GenerationShift;

    /// <summary>False until the first pick: the starting book is not spread, nor given in digest answers.</summary>
    public bool Announced { get; private set; }

    /// <summary>The version of a new pick (one above the current), which is announced.</summary>
    /// <exception cref="InvalidOperationException">The clock stands at <see cref="MaxVersion"/>. Admission never lets
    /// a version that high in (its generation is a second in the year 2242), so this is a bug, not a state.</exception>
    public long Next()
    {
        if (Current >= MaxVersion)
        {
            throw new InvalidOperationException($"The version cannot move past {MaxVersion}.");
        }

        Current = checked(Current + 1);
        Announced = true;
        return Current;
    }

    /// <summary>
    /// Someone holds <paramref name="heard"/> for our own id. When it is at least ours (an earlier run in the same
    /// second), the clock stands at it and this returns true: the caller announces again with <see cref="Next"/>.
    /// A version the clock could not move past (<see cref="MaxVersion"/> or above) is ignored.
    /// </summary>
    public bool Observe(long heard)
    {
        if (heard < Current || heard >= MaxVersion)
        {
            return false;
        }

        Current = heard;
        return true;
    }
}
