namespace GossipAspire.Benchmark.Gem;

/// <summary>What a stand-in gem node holds for one origin: the highest version it has learned, and when.</summary>
public sealed record GemBook(long Version, string Book, DateTimeOffset At);

/// <summary>
/// One change of what a stand-in gem node holds: it came to hold <see cref="Version"/> of <see cref="Origin"/>.
/// <see cref="From"/> is the sender of the push that brought it (null for its own picks), <see cref="Ttl"/> the ttl
/// the message arrived with (its own picks: the ttl it gives them).
/// </summary>
public sealed record GemLearned(string Origin, long Version, string Book, DateTimeOffset At, string? From, long Ttl);

/// <summary>One request a stand-in gem node answered: what was asked, the status, and for a push its sender and size.</summary>
public sealed record GemRequest(DateTimeOffset At, string Method, string Path, int Status, string? Sender, int Messages);

/// <summary>One push a stand-in gem node made to one peer, and whether the peer was dropped for its answer.</summary>
public sealed record GemPush(DateTimeOffset At, string Peer, int Messages, bool Ok, string? Failure);

/// <summary>A stand-in gem node that stopped, as the gem stops: its seed was not up when it joined.</summary>
public sealed class GemCrashedException(string message, Exception? inner = null) : Exception(message, inner);
