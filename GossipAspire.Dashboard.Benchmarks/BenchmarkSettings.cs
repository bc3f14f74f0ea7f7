namespace GossipAspire.Dashboard.Benchmarks;

public sealed record BenchmarkSettings(double Seconds, int Runs, int Senders, int SpansPerRequest, string? OutputPath, string[] Transports, bool InProcess = false)
{
    public static BenchmarkSettings Parse(string[] args)
    {
        var settings = new BenchmarkSettings(Seconds: 5, Runs: 5, Senders: 4, SpansPerRequest: 500, OutputPath: null, Transports: ["grpc", "http-protobuf", "http-json"]);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            settings = args[i] switch
            {
                "--seconds" => settings with { Seconds = double.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--runs" => settings with { Runs = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--senders" => settings with { Senders = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--spans-per-request" => settings with { SpansPerRequest = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--in-process" => settings with { InProcess = true },
                "--out" => settings with { OutputPath = Next() },
                "--transports" => settings with { Transports = Next().Split(',', StringSplitOptions.RemoveEmptyEntries) },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Options: --seconds N --runs N --senders N --spans-per-request N --transports grpc,http-protobuf,http-json --out FILE"),
            };
        }

        return settings;
    }
}
