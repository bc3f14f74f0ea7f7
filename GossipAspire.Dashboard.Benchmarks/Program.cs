using GossipAspire.Dashboard.Benchmarks;

// Ingest benchmark for the GossipAspire dashboard: starts a real dashboard process, floods it with OTLP over
// gRPC, HTTP/protobuf and HTTP/JSON, and reports spans per second (median of several runs), the dashboard's
// RSS as the store fills and stays full, and how fast the trace views answer with 10,000 traces stored.
//   dotnet run -c Release --project GossipAspire.Dashboard.Benchmarks -- [--seconds 5] [--runs 5] [--senders 4] [--out file.json]
//   ... -- --in-process     the ingest path alone (decode + convert + store), no sockets
var settings = BenchmarkSettings.Parse(args);
if (settings.InProcess)
{
    InProcessIngest.Run(settings.SpansPerRequest, settings.Runs);
    InProcessIngest.RunJson(settings.SpansPerRequest, settings.Runs);
    return 0;
}

return await IngestBenchmark.RunAsync(settings);
