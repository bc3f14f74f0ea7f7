using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GossipAspire.Node;

/// <summary>
/// The node's one <see cref="ActivitySource"/> and <see cref="Meter"/>. One book change is one trace: a
/// "gossip pick" root span at the origin and a "gossip receive" span on every node it reaches, each the child of
/// the span of the hop that sent it (the context travels in <c>payload.traceparent</c>).
/// </summary>
public sealed class GossipTelemetry : IDisposable
{
    public const string Name = "GossipAspire.Node";
    public const string PickSpanName = "gossip pick";
    public const string ReceiveSpanName = "gossip receive";

    public const string MessageUuidAttribute = "gossip.message.uuid";
    public const string OriginAttribute = "gossip.origin";
    public const string VersionAttribute = "gossip.version";
    public const string TtlAttribute = "gossip.ttl";
    public const string HopAttribute = "gossip.hop";
    public const string DuplicateAttribute = "gossip.duplicate";
    public const string BookAttribute = "gossip.book";
    public const string NodeAttribute = "gossip.node";
    public const string RepairAttribute = "gossip.repair";
    public const string StaleAttribute = "gossip.stale";

    private readonly Meter _meter;

    public GossipTelemetry(IMeterFactory meterFactory)
    {
        ActivitySource = new ActivitySource(Name);
        _meter = meterFactory.Create(Name);
        MessagesSent = _meter.CreateCounter<long>("gossip.messages.sent", "{message}", "Messages sent to peers (each copy counts)");
        MessagesReceived = _meter.CreateCounter<long>("gossip.messages.received", "{message}", "Messages received from peers");
        MessagesDuplicate = _meter.CreateCounter<long>("gossip.messages.duplicate", "{message}", "Messages received again (same uuid)");
        MessagesDropped = _meter.CreateCounter<long>("gossip.messages.dropped", "{message}", "Messages dropped because their ttl ran out");
        MessagesRefused = _meter.CreateCounter<long>("gossip.messages.refused", "{message}", "Messages refused at admission, by reason; never stored nor forwarded");
        RequestsSent = _meter.CreateCounter<long>("gossip.requests.sent", "{request}", "Node-to-node HTTP requests, by outcome");
        RequestsRefused = _meter.CreateCounter<long>("gossip.requests.refused", "{request}", "Digest and join requests answered 401 for their MAC, by reason");
        PropagationDelay = _meter.CreateHistogram<double>("gossip.propagation.delay", "ms", "From the origin's pick to this node learning it",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000] });
    }

    public ActivitySource ActivitySource { get; }

    public Counter<long> MessagesSent { get; }

    public Counter<long> MessagesReceived { get; }

    public Counter<long> MessagesDuplicate { get; }

    public Counter<long> MessagesDropped { get; }

    public Counter<long> MessagesRefused { get; }

    public Counter<long> RequestsSent { get; }

    public Counter<long> RequestsRefused { get; }

    public Histogram<double> PropagationDelay { get; }

    /// <summary>Gauges read from the engine when metrics are collected.</summary>
    public void ObserveMembership(Func<int> knownPeers, Func<int> knownNodes)
    {
        _meter.CreateObservableGauge("gossip.peers.known", knownPeers, "{peer}", "Peers this node sends to");
        _meter.CreateObservableGauge("gossip.nodes.known", knownNodes, "{node}", "Nodes in this node's world view, itself included");
    }

    public void Dispose()
    {
        ActivitySource.Dispose();
        _meter.Dispose();
    }
}
