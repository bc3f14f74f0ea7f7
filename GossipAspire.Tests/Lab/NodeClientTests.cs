using System.Text.Json;
using GossipAspire.Lab.Nodes;

namespace GossipAspire.Tests.Lab;

public sealed class NodeClientTests
{
    [Fact]
    public void ParseHistory_TheNewKeys()
    {
        using var doc = JsonDocument.Parse("""
            {"next": 42, "oldest": 17, "evicted": 3, "events": [ {"seq": 41, "origin": "5001", "version": 1967432188000257, "book": "Kim",
              "picked_at": "2026-11-24T19:00:00.123456Z", "received_at": "2026-11-24T19:00:00.125012Z", "uuid": "u-1", "from": "5002",
              "hop": 1, "trace_id": "0AF7651916CD43DD8448EB211C80319C", "duplicates": 2, "repair": true, "later_key": [1] } ]}
            """);

        var page = NodeClient.ParseHistory(doc.RootElement);

        Assert.Equal(42, page.Next);
        Assert.Equal(17, page.Oldest);
        Assert.Equal(3, page.Evicted);
        var e = Assert.Single(page.Events);
        Assert.Equal(new HistoryEvent(41, "5001", 1967432188000257, "Kim",
            new DateTime(2026, 11, 24, 19, 0, 0, DateTimeKind.Utc).AddTicks(1234560), new DateTime(2026, 11, 24, 19, 0, 0, DateTimeKind.Utc).AddTicks(1250120),
            "u-1", "5002", 1, "0af7651916cd43dd8448eb211c80319c", 2, true), e);
    }

    [Fact]
    public void ParseHistory_AnOlderNodesEvents_WithoutTheNewKeys_ReadAsUnknown()
    {
        using var doc = JsonDocument.Parse("""
            {"next": 2, "events": [ {"seq": 2, "origin": "5001", "version": 7, "picked_at": null, "received_at": "2026-11-24T19:00:00Z",
              "from": null, "hop": null, "trace_id": null}, {"seq": "x"}, {"seq": 3, "origin": "5002"} ]}
            """);

        var page = NodeClient.ParseHistory(doc.RootElement);

        var e = Assert.Single(page.Events);
        Assert.Equal((2L, "5001", 7L), (e.Seq, e.Origin, e.Version));
        Assert.Null(e.Uuid);
        Assert.Null(e.From);
        Assert.Null(e.Hop);
        Assert.Null(e.TraceId);
        Assert.Null(e.PickedAt);
        Assert.Equal(0, e.Duplicates);
        Assert.False(e.Repair);
        Assert.Equal(0, page.Evicted);
        Assert.Null(page.Oldest);
    }

    [Fact]
    public void ParseState_ReadsTheDocument_AndRejectsOneWithoutId()
    {
        using var doc = JsonDocument.Parse("""
            {"id": "5003", "version": 9, "book": "Kim", "peers": ["5001", 7, ""], "world": {"5001": {"version": 5, "book": "Emma"}, "bad": 1},
             "started_at": "2026-11-24T18:59:50.000000Z", "stats": {"requests_sent": 120, "note": "x"}}
            """);

        var state = NodeClient.ParseState(doc.RootElement);

        Assert.Equal("5003", state.Id);
        Assert.Equal(["5001"], state.Peers);
        Assert.Equal(5, state.World["5001"].Version);
        Assert.False(state.World.ContainsKey("bad"));
        Assert.Equal(120, state.Stats["requests_sent"]);
        Assert.Single(state.Stats);
        using var noId = JsonDocument.Parse("""{"version": 1}""");
        Assert.Throws<FormatException>(() => NodeClient.ParseState(noId.RootElement));
    }

    [Fact]
    public void NotSampledTraceParent_HasTheSampledFlagOff() =>
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-00$", NodeClient.NotSampledTraceParent());
}
