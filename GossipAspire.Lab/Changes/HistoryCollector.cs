using GossipAspire.Lab.Configuration;
using GossipAspire.Lab.Monitoring;
using GossipAspire.Lab.Nodes;
using Microsoft.Extensions.Options;

namespace GossipAspire.Lab.Changes;

/// <summary>What reading one node's history gave this poll.</summary>
public sealed record HistoryStatus(HistoryAvailability Availability, string? Error, long EventsMissed);

/// <summary>
/// Reads each node's <c>GET /history/?after=</c> on every poll and feeds the events to the <see cref="ChangeLog"/>.
/// Per node it keeps a cursor: the <c>next</c> the node gave, and the seqs of the events first read within
/// <see cref="LabOptions.DuplicateWindow"/>. A node counts duplicates in place, so each poll asks from the
/// oldest of those again: their counts stay current while copies still arrive, and an event older than the
/// window is never read twice. Reads are paged (<see cref="LabOptions.HistoryPageSize"/>, at most
/// <see cref="LabOptions.HistoryPagesPerPoll"/> pages a poll), so a node with a long history is caught up over
/// a few polls. A node that restarts (another <c>started_at</c>, or a <c>next</c> below the cursor) is read
/// from the start again. A node without <c>/history/</c> (404) is asked again every 30 s.
/// </summary>
public sealed class HistoryCollector(IOptions<LabOptions> options, NodeClient client, ChangeLog log, TimeProvider timeProvider)
{
    private static readonly TimeSpan s_unsupportedRetry = TimeSpan.FromSeconds(30);
    private const int MaxRecent = 2_000;

    private readonly LabOptions _options = options.Value;
    private readonly Dictionary<string, Cursor> _cursors = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Reads what is new in one node's history (and the last window again); one call per node at a time.</summary>
    public async Task<HistoryStatus> CollectAsync(string url, StateDocument state, CancellationToken cancellationToken)
    {
        Cursor cursor;
        lock (_lock)
        {
            if (!_cursors.TryGetValue(url, out cursor!))
            {
                cursor = new Cursor();
                _cursors[url] = cursor;
            }
        }

        if (cursor.NodeId != state.Id || cursor.StartedAt != state.StartedAt)
        {
            // A new node at this URL, or the same one restarted: its seqs started again.
            cursor.Reset(state.Id, state.StartedAt);
        }

        var now = timeProvider.GetTimestamp();
        if (cursor.Unsupported && timeProvider.GetElapsedTime(cursor.UnsupportedSince, now) < s_unsupportedRetry)
        {
            return new HistoryStatus(HistoryAvailability.NotSupported, null, cursor.Missed);
        }

        while (cursor.Recent.Count > 0 && timeProvider.GetElapsedTime(cursor.Recent.Peek().ReadAt, now) > _options.DuplicateWindow)
        {
            cursor.Recent.Dequeue();
        }

        var after = cursor.Recent.Count > 0 ? Math.Min(cursor.Next, cursor.Recent.Peek().Seq - 1) : cursor.Next;
        for (var page = 0; page < _options.HistoryPagesPerPoll; page++)
        {
            var result = await client.GetHistoryAsync(url, after, _options.HistoryPageSize, cancellationToken);
            if (result.NotSupported)
            {
                cursor.Unsupported = true;
                cursor.UnsupportedSince = now;
                return new HistoryStatus(HistoryAvailability.NotSupported, null, cursor.Missed);
            }

            cursor.Unsupported = false;
            if (result.Page is not { } answer)
            {
                return new HistoryStatus(HistoryAvailability.Failing, result.Error, cursor.Missed);
            }

            if (answer.Next < after && answer.Events.Count == 0)
            {
                // The node's log is shorter than our cursor: it restarted between two polls with the same start time.
                cursor.Reset(state.Id, state.StartedAt);
                after = 0;
                continue;
            }

            // Events after `after` that the node evicted before this read; those up to our cursor were read before.
            cursor.Missed += Math.Max(0, after + answer.Evicted - cursor.Next);
            log.Add(state.Id, answer.Events.Select(e => WithBook(e, state)));
            foreach (var e in answer.Events.Where(e => e.Seq > cursor.Next))
            {
                cursor.Recent.Enqueue((e.Seq, now));
                if (cursor.Recent.Count > MaxRecent)
                {
                    cursor.Recent.Dequeue();
                }
            }

            cursor.Next = Math.Max(cursor.Next, answer.Next);
            if (answer.Events.Count < _options.HistoryPageSize || answer.Next <= after)
            {
                break;
            }

            after = answer.Next;
        }

        return new HistoryStatus(HistoryAvailability.Reading, null, cursor.Missed);
    }

    /// <summary>Forgets the cursor of a node the Lab no longer watches.</summary>
    public void Forget(string url)
    {
        lock (_lock)
        {
            _cursors.Remove(url);
        }
    }

    /// <summary>An older node's event has no book; the node's world view has it while it still holds that version.</summary>
    private static HistoryEvent WithBook(HistoryEvent e, StateDocument state) =>
        e.Book is null && state.World.TryGetValue(e.Origin, out var entry) && entry.Version == e.Version ? e with { Book = entry.Book } : e;

    private sealed class Cursor
    {
        public string? NodeId { get; private set; }

        public DateTime? StartedAt { get; private set; }

        public long Next { get; set; }

        public long Missed { get; set; }

        public bool Unsupported { get; set; }

        public long UnsupportedSince { get; set; }

        public Queue<(long Seq, long ReadAt)> Recent { get; } = new();

        public void Reset(string nodeId, DateTime? startedAt)
        {
            NodeId = nodeId;
            StartedAt = startedAt;
            Next = 0;
            Unsupported = false;
            Recent.Clear();
        }
    }
}
