using System.Diagnostics;
using System.Globalization;
using System.Text;
using GossipAspire.Node.Gossip;

// What authenticated gossip costs per message and per request, on one core, in-process: signing and verifying
// a message's payload.sig, making and checking an X-Gossip-Mac, beside what a node already pays to write a message
// and read it back (the baseline). Run through scripts/keyring-cost.sh; prints medians of several runs.
var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 7;
var iterations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;

var keyring = new Keyring(["0123456789abcdefghijKLMNOPQRSTuv", "the previous key of the ring 0123"]);
var pickedAt = DateTimeOffset.Parse("2026-11-24T19:00:00.123456Z", CultureInfo.InvariantCulture);
const string Uuid = "6f1d3c0e-2b0a-4c53-9a55-0d9b1a2f1e10";
const string Book = "Middlemarch by George Eliot";
const long Version = 1967432188000257;
var signature = keyring.Sign(Uuid, "5001", Version, Book, pickedAt);
var message = new GossipMessage(Uuid, "5001", 3, new GossipPayload(Version, Book, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", pickedAt, 1, null, signature));
var unsigned = message with { Payload = message.Payload with { Signature = null } };
var envelope = Wire.WriteEnvelope("5003", [message]);

byte[] Digest(int origins)
{
    var versions = Enumerable.Range(0, origins).Select(i => new KeyValuePair<string, long>((5001 + i).ToString(CultureInfo.InvariantCulture), Version + i));
    return Wire.WriteDigest("5003", versions);
}

var digest10 = Digest(10);
var digest200 = Digest(200);
var header10 = keyring.MacRequest("POST", "/digest/", 1795546800, digest10);
var header200 = keyring.MacRequest("POST", "/digest/", 1795546800, digest200);

var sink = 0L;
var cases = new (string Name, Action Body)[]
{
    ("baseline: write one message + read it in an envelope", () =>
    {
        sink += Wire.WriteMessage(unsigned).Length;
        Wire.TryReadEnvelope(envelope, out var read, out _);
        sink += read!.Messages.Count;
    }),
    ("sign a message (payload.sig)", () => sink += keyring.Sign(Uuid, "5001", Version, Book, pickedAt)!.Length),
    ("verify a message (payload.sig)", () => sink += (int)keyring.Verify(message)),
    ($"make X-Gossip-Mac, digest of 10 origins ({digest10.Length} B)", () => sink += keyring.MacRequest("POST", "/digest/", 1795546800, digest10)!.Length),
    ($"check X-Gossip-Mac, digest of 10 origins ({digest10.Length} B)", () => sink += (int)keyring.VerifyRequest(header10, "POST", "/digest/", digest10).Result),
    ($"check X-Gossip-Mac, digest of 200 origins ({digest200.Length} B)", () => sink += (int)keyring.VerifyRequest(header200, "POST", "/digest/", digest200).Result),
};

Console.WriteLine($"keyring cost: {runs} runs x {iterations:N0} operations each, one thread; .NET {Environment.Version}, {Environment.ProcessorCount} cores");
Console.WriteLine($"{"operation",-58} {"median ns",10} {"min ns",8} {"max ns",8} {"B/op",6}");
var medians = new Dictionary<string, double>();
foreach (var (name, body) in cases)
{
    for (var i = 0; i < iterations / 10; i++)
    {
        body(); // warm up: tiered JIT and caches
    }

    var samples = new List<double>();
    long allocated = 0;
    for (var run = 0; run < runs; run++)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            body();
        }

        clock.Stop();
        allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / iterations;
        samples.Add(clock.Elapsed.TotalNanoseconds / iterations);
    }

    samples.Sort();
    var median = samples[samples.Count / 2];
    medians[name] = median;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-58} {median,10:F0} {samples[0],8:F0} {samples[^1],8:F0} {allocated,6}"));
}

var baseline = medians[cases[0].Name];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"sign + verify = {medians[cases[1].Name] + medians[cases[2].Name]:F0} ns per message: {(medians[cases[1].Name] + medians[cases[2].Name]) / baseline:F2} x the baseline write + read"));
