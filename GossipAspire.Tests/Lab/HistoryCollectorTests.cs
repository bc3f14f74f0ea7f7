using GossipAspire.Lab.Changes;
using GossipAspire.Lab.Configuration;
using GossipAspire.Lab.Monitoring;
using GossipAspire.Lab.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static GossipAspire.Tests.Lab.LabTestData;

namespace GossipAspire.Tests.Lab;

/// <summary>Reading one node's /history/ over real HTTP (a <see cref="FakeNodeServer"/>), with time driven by the test.</summary>
public sealed class HistoryCollectorTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(PickedAt);
    private readonly NodeClient _client = new(TimeSpan.FromSeconds(5));
    private FakeNodeServer _node = null!;
    private ChangeLog _log = null!;
    private HistoryCollector _collector = null!;

    public async Task InitializeAsync()
    {
        _node = await FakeNodeServer.StartAsync();
        var options = Options.Create(new LabOptions { DuplicateWindow = TimeSpan.FromSeconds(15), HistoryPageSize = 2, HistoryPagesPerPoll = 10 });
        _log = new ChangeLog(options, _time);
        _collector = new HistoryCollector(options, _client, _log, _time);
    }

    private StateDocument State(string startedAt = "2026-11-24T18:59:50Z") =>
        new(_node.Id, 1, "", [], new Dictionary<string, WorldEntry>(), new Dictionary<string, long>(), DateTime.Parse(startedAt, null, System.Globalization.DateTimeStyles.AdjustToUniversal));

    [Fact]
    public async Task Collect_RereadsTheLastWindow_SoDuplicateCountsStayCurrent_ThenMovesOn()
    {
        _node.AddEvent(1, "5001", Generation + 1, uuid: "u-1", from: "5001", hop: 1);
        _node.AddEvent(2, "5002", Generation + 1, uuid: "u-2", from: "5002", hop: 1);
        _node.AddEvent(3, "5003", Generation + 1, uuid: "u-3", from: "5003", hop: 1);

        var status = await _collector.CollectAsync(_node.Url, State(), CancellationToken.None);
        Assert.Equal(HistoryAvailability.Reading, status.Availability);
        Assert.Equal(3, _log.Count);
        // Paged by two: after=0 gives 1-2, after=2 gives 3.
        Assert.Equal(["?after=0&limit=2", "?after=2&limit=2"], _node.Requests);

        _node.SetDuplicates(2, 3);
        _time.Advance(TimeSpan.FromSeconds(5));
        await _collector.CollectAsync(_node.Url, State(), CancellationToken.None);
        Assert.Equal(3, _log.Find("u-2")!.Duplicates);
        Assert.Equal("?after=0&limit=2", _node.Requests[2]);

        // Once the window has passed, only what follows the cursor is asked for.
        _time.Advance(TimeSpan.FromSeconds(11));
        _node.AddEvent(4, "5001", Generation + 2, uuid: "u-4", from: "5001", hop: 1);
        await _collector.CollectAsync(_node.Url, State(), CancellationToken.None);
        Assert.Equal("?after=3&limit=2", _node.Requests[^1]);
        Assert.Equal(4, _log.Count);
    }

    [Fact]
    public async Task Collect_ANodeWithoutHistory_IsNotSupported_AndAskedAgainAfterThirtySeconds()
    {
        _node.HasHistory = false;

        var status = await _collector.CollectAsync(_node.Url, State(), CancellationToken.None);
        Assert.Equal(HistoryAvailability.NotSupported, status.Availability);
        await _collector.CollectAsync(_node.Url, State(), CancellationToken.None);
        Assert.Single(_node.Requests);

        _time.Advance(TimeSpan.FromSeconds(31));
        _node.HasHistory = true;
        status = await _collector.CollectAsync(_node.Url, State(), CancellationToken.None);
        Assert.Equal(HistoryAvailability.Reading, status.Availability);
        Assert.Equal(2, _node.Requests.Count);
    }

    [Fact]
    public async Task Collect_EventsEvictedBeforeTheyWereRead_AreCountedAsMissed()
    {
        for (var seq = 1; seq <= 5; seq++)
        {
            _node.AddEvent(seq, "5001", Generation + seq, uuid: $"u-{seq}");
        }

        _node.Evict(3);
        var status = await _collector.CollectAsync(_node.Url, State(), CancellationToken.None);

        Assert.Equal(3, status.EventsMissed);
        Assert.Equal(["u-5", "u-4"], _log.Recent(10).Select(c => c.Id));
    }

    [Fact]
    public async Task Collect_ANodeThatRestarted_IsReadFromTheStartAgain()
    {
        _node.AddEvent(1, "5001", Generation + 1, uuid: "u-1");
        _node.AddEvent(2, "5001", Generation + 2, uuid: "u-2");
        await _collector.CollectAsync(_node.Url, State(), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));

        _node.Restart("2026-11-24T19:10:00Z");
        _node.AddEvent(1, "5001", Generation + 9, uuid: "u-9");
        await _collector.CollectAsync(_node.Url, State("2026-11-24T19:10:00Z"), CancellationToken.None);

        Assert.Equal("?after=0&limit=2", _node.Requests[^1]);
        Assert.NotNull(_log.Find("u-9"));
    }

    [Fact]
    public async Task Reads_CarryAnUnsampledTraceParent()
    {
        _node.AddEvent(1, "5001", Generation + 1, uuid: "u-1");

        await _client.GetStateAsync(_node.Url, CancellationToken.None);
        await _collector.CollectAsync(_node.Url, State(), CancellationToken.None);

        Assert.Equal(2, _node.TraceParents.Count);
        Assert.All(_node.TraceParents, t => Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-00$", t));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _node.DisposeAsync();
    }
}
