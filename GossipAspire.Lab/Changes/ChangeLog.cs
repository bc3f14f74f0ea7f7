using GossipAspire.Lab.Configuration;
using GossipAspire.Lab.Nodes;
using Microsoft.Extensions.Options;

namespace GossipAspire.Lab.Changes;

/// <summary>
/// The book changes the Lab has seen in the nodes' <c>/history/</c>, each with one receipt per node. Bounded:
/// it keeps the newest <see cref="LabOptions.MaxChanges"/> changes by pick time; once it has dropped one,
/// events older than the oldest change kept are ignored, so a late reader cannot bring back half a change.
/// Events are grouped by (origin, version), which is one change whether or not the node sent its uuid
/// (an older node does not); a change is named by its uuid when any node gave it, else <c>origin@version</c>.
/// </summary>
public sealed class ChangeLog(IOptions<LabOptions> options, TimeProvider timeProvider)
{
    private readonly int _maxChanges = options.Value.MaxChanges;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Origin, long Version), Entry> _byKey = [];
    private readonly Dictionary<string, Entry> _byUuid = new(StringComparer.OrdinalIgnoreCase);
    private DateTime? _floor;
    private long _version;

    /// <summary>Grows by one whenever anything in the log changes, so a page can tell whether to redraw.</summary>
    public long Version
    {
        get
        {
            lock (_lock)
            {
                return _version;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byKey.Count;
            }
        }
    }

    /// <summary>Takes one node's events: new receipts are added, re-read ones replace the old (their duplicate counts grow in place).</summary>
    public void Add(string node, IEnumerable<HistoryEvent> events)
    {
        lock (_lock)
        {
            foreach (var e in events)
            {
                var key = (e.Origin, e.Version);
                if (!_byKey.TryGetValue(key, out var entry))
                {
                    if (_floor is { } floor && (e.PickedAt ?? e.ReceivedAt) is { } time && time < floor)
                    {
                        continue;
                    }

                    entry = new Entry(e.Origin, e.Version, timeProvider.GetUtcNow().UtcDateTime);
                    _byKey[key] = entry;
                }

                if (entry.Merge(node, e))
                {
                    if (entry.Uuid is { } uuid)
                    {
                        _byUuid.TryAdd(uuid, entry);
                    }

                    _version++;
                }
            }
        }
    }

    /// <summary>Drops the oldest changes beyond the bound.</summary>
    public void Trim()
    {
        lock (_lock)
        {
            if (_byKey.Count <= _maxChanges)
            {
                return;
            }

            var ordered = _byKey.Values.OrderByDescending(e => e.Time).ToList();
            foreach (var dropped in ordered.Skip(_maxChanges))
            {
                _byKey.Remove((dropped.Origin, dropped.Version));
                if (dropped.Uuid is { } uuid)
                {
                    _byUuid.Remove(uuid);
                }
            }

            _floor = ordered[_maxChanges - 1].Time;
            _version++;
        }
    }

    /// <summary>The newest changes first (by pick time).</summary>
    public IReadOnlyList<ChangeRecord> Recent(int limit)
    {
        lock (_lock)
        {
            return [.. _byKey.Values.OrderByDescending(e => e.Time).ThenByDescending(e => e.Version).ThenBy(e => e.Origin, StringComparer.Ordinal).Take(limit).Select(e => e.ToRecord())];
        }
    }

    /// <summary>One node's receipts, the newest first: what its history said about each change it holds.</summary>
    public IReadOnlyList<(ChangeRecord Change, Receipt Receipt)> ReceiptsOf(string node, int limit)
    {
        lock (_lock)
        {
            return [.. _byKey.Values
                .Select(e => e.ToRecord())
                .SelectMany(c => c.Receipts.Where(r => r.Node == node).Select(r => (c, r)))
                .OrderByDescending(x => x.r.ReceivedAt ?? x.c.Time)
                .Take(limit)];
        }
    }

    /// <summary>A change by its uuid, or by <c>origin@version</c> when no node gave its uuid.</summary>
    public ChangeRecord? Find(string id)
    {
        lock (_lock)
        {
            if (_byUuid.TryGetValue(id, out var entry))
            {
                return entry.ToRecord();
            }

            var at = id.LastIndexOf('@');
            return at > 0 && long.TryParse(id.AsSpan(at + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
                && _byKey.TryGetValue((id[..at], version), out entry)
                ? entry.ToRecord()
                : null;
        }
    }

    public ChangeRecord? Find(string origin, long version)
    {
        lock (_lock)
        {
            return _byKey.TryGetValue((origin, version), out var entry) ? entry.ToRecord() : null;
        }
    }

    /// <summary>The id of the change (origin, version), for a link, or null when the log does not hold it.</summary>
    public string? IdOf(string origin, long version)
    {
        lock (_lock)
        {
            return _byKey.TryGetValue((origin, version), out var entry) ? entry.Id : null;
        }
    }

    /// <summary>What a change id may look like: a uuid, or origin@version (origin a port or host:port).</summary>
    public static bool IsWellFormedId(string? id) =>
        id is { Length: > 0 and <= 200 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '@' or '[' or ']');

    public static string IdFor(string? uuid, string origin, long version) =>
        uuid ?? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{origin}@{version}");

    /// <summary>One change while it is collected (mutable, only touched under the log's lock).</summary>
    private sealed class Entry(string origin, long version, DateTime firstSeen)
    {
        private readonly Dictionary<string, Receipt> _receipts = new(StringComparer.Ordinal);
        private ChangeRecord? _record;

        public string Origin { get; } = origin;

        public long Version { get; } = version;

        public string? Uuid { get; private set; }

        public string Id => IdFor(Uuid, Origin, Version);

        public DateTime Time { get; private set; } = firstSeen;

        private string? Book { get; set; }

        private DateTime? PickedAt { get; set; }

        private string? TraceId { get; set; }

        private DateTime FirstSeen { get; } = firstSeen;

        /// <summary>Folds one node's event in; true when anything changed.</summary>
        public bool Merge(string node, HistoryEvent e)
        {
            var receipt = new Receipt(node, e.Seq, e.ReceivedAt, e.From, e.Hop, e.Duplicates, e.Repair);
            var changed = false;
            if (!_receipts.TryGetValue(node, out var old))
            {
                _receipts[node] = receipt;
                changed = true;
            }
            else if (old != receipt && (old.Seq == receipt.Seq || Earlier(receipt.ReceivedAt, old.ReceivedAt)))
            {
                // The same event read again (its duplicates grew), or an earlier copy than the one held (a node
                // that restarted gets old changes again through repair; the first copy is the one that counts).
                _receipts[node] = receipt;
                changed = true;
            }

            if (Uuid is null && e.Uuid is { Length: > 0 } uuid)
            {
                Uuid = uuid;
                changed = true;
            }

            if (Book is null && e.Book is { } book)
            {
                Book = book;
                changed = true;
            }

            if (PickedAt is null && e.PickedAt is { } picked)
            {
                PickedAt = picked;
                changed = true;
            }

            // The origin's own event names the trace the pick started; any other copy carries the same trace.
            if (e.TraceId is { } traceId && (TraceId is null || (node == Origin && TraceId != traceId)))
            {
                TraceId = traceId;
                changed = true;
            }

            if (changed)
            {
                Time = PickedAt ?? _receipts.Values.Min(r => r.ReceivedAt) ?? FirstSeen;
                _record = null;
            }

            return changed;
        }

        public ChangeRecord ToRecord() => _record ??= new ChangeRecord(
            Id, Uuid, Origin, Version, Book, PickedAt, TraceId, FirstSeen,
            [.. _receipts.Values.OrderBy(r => r.ReceivedAt ?? DateTime.MaxValue).ThenBy(r => r.Node, StringComparer.Ordinal)]);

        private static bool Earlier(DateTime? a, DateTime? b) => a is { } x && (b is not { } y || x < y);
    }
}
