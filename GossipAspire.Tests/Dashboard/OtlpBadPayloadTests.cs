using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using GossipAspire.Otlp.Collector.Trace.V1;
using Status = GossipAspire.Otlp.Rpc.Status;
using GossipAspire.Otlp.Trace.V1;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Dashboard;

/// <summary>
/// Bad, oversized and half-bad payloads get the OTLP-specified answer (400 / 413 / 415 with a google.rpc.Status
/// body in the request's encoding, partial success for refused items, gRPC error statuses) and the dashboard
/// keeps taking good data afterwards.
/// </summary>
public sealed class OtlpBadPayloadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PostProtobuf_Garbage_Answers400WithProtobufStatus()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var otlp = dashboard.CreateOtlpHttpClient();

        using var response = await otlp.PostAsync("/v1/traces", Protobuf([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        var status = Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(3, status.Code);
        Assert.Contains("ExportTraceServiceRequest", status.Message);
        await AssertStillAcceptsGoodDataAsync(dashboard);
    }

    [Theory]
    [InlineData("{ not json", "not JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("""{ "resourceSpans": [ { "scopeSpans": [ { "spans": [ { "traceId": "W46/95gDgQPSabYzgT/GDA==", "spanId": "eee19b7ec3c1b174" } ] } ] } ] }""", "hex")]
    [InlineData("""{ "resourceSpans": "not a list" }""", "ExportTraceServiceRequest")]
    public async Task PostJson_Invalid_Answers400WithJsonStatus(string body, string expectedInMessage)
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var otlp = dashboard.CreateOtlpHttpClient();

        using var response = await otlp.PostAsync("/v1/traces", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(3, status.GetProperty("code").GetInt32());
        Assert.Contains(expectedInMessage, status.GetProperty("message").GetString());
        Assert.Equal(0, dashboard.Repository.TraceCount);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    public async Task Post_UnsupportedContentType_Answers415(string contentType)
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var otlp = dashboard.CreateOtlpHttpClient();

        using var response = await otlp.PostAsync("/v1/logs", new StringContent("hello", Encoding.UTF8, contentType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var status = Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("application/x-protobuf", status.Message);
    }

    [Fact]
    public async Task Post_BodyOverLimit_Answers413AndStoresNothing()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output, new Dictionary<string, string?>
        {
            ["Dashboard:Otlp:MaxRequestBodySize"] = "4096",
        });
        using var otlp = dashboard.CreateOtlpHttpClient();
        var big = RequestWithSpans(200).ToByteArray();
        Assert.True(big.Length > 4096);

        using var plain = await otlp.PostAsync("/v1/traces", Protobuf(big));
        using var gzipped = await otlp.PostAsync("/v1/traces", Gzip(big));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, plain.StatusCode);
        Assert.Equal(8, Status.Parser.ParseFrom(await plain.Content.ReadAsByteArrayAsync()).Code);
        // Compressed it fits on the wire, but not once inflated: the limit holds for what is decoded.
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, gzipped.StatusCode);
        Assert.Equal(0, dashboard.Repository.TraceCount);
        await AssertStillAcceptsGoodDataAsync(dashboard);
    }

    [Fact]
    public async Task Post_GzipBody_IsDecompressed()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var otlp = dashboard.CreateOtlpHttpClient();

        using var response = await otlp.PostAsync("/v1/traces", Gzip(RequestWithSpans(3).ToByteArray()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, dashboard.Repository.SpanCount);
    }

    [Fact]
    public async Task Post_SomeSpansWithBadIds_StoresTheRestAndReportsPartialSuccess()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var otlp = dashboard.CreateOtlpHttpClient();
        var request = RequestWithSpans(3);
        var spans = request.ResourceSpans[0].ScopeSpans[0].Spans;
        spans[1].TraceId = ByteString.CopyFrom(new byte[5]);
        spans[2].SpanId = ByteString.Empty;

        using var response = await otlp.PostAsync("/v1/traces", Protobuf(request.ToByteArray()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, answer.PartialSuccess.RejectedSpans);
        Assert.Contains("trace id must be 16 bytes", answer.PartialSuccess.ErrorMessage);
        Assert.Equal(1, dashboard.Repository.SpanCount);
    }

    [Fact]
    public async Task PostWrongListener_OtlpOnFrontendAndApiOnOtlp_Answer404()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var frontend = dashboard.CreateFrontendClient();
        using var otlp = dashboard.CreateOtlpHttpClient();

        using var otlpOnFrontend = await frontend.PostAsync("/v1/traces", Protobuf(RequestWithSpans(1).ToByteArray()));
        using var apiOnOtlp = await otlp.GetAsync("/api/telemetry/traces");

        Assert.Equal(HttpStatusCode.NotFound, otlpOnFrontend.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, apiOnOtlp.StatusCode);
        Assert.Equal(0, dashboard.Repository.SpanCount);
    }

    [Fact]
    public async Task GrpcExport_GarbageMessage_FailsTheCallAndKeepsServing()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        // A raw gRPC call: HTTP/2 without TLS, a 5-byte frame header, then bytes that are not a protobuf message.
        byte[] payload = [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f];
        var frame = new byte[5 + payload.Length];
        frame[4] = (byte)payload.Length;
        payload.CopyTo(frame, 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, dashboard.OtlpGrpcUrl + "/opentelemetry.proto.collector.trace.v1.TraceService/Export")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");

        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var grpcStatus = response.TrailingHeaders.TryGetValues("grpc-status", out var values) ? values.Single()
            : response.Headers.GetValues("grpc-status").Single();

        output.WriteLine($"grpc-status {grpcStatus}");
        Assert.Equal("3", grpcStatus); // INVALID_ARGUMENT, as OTLP asks for undecodable data
        Assert.Equal(0, dashboard.Repository.SpanCount);
        await AssertStillAcceptsGoodDataAsync(dashboard);
    }

    private static async Task AssertStillAcceptsGoodDataAsync(DashboardTestHost dashboard)
    {
        using var otlp = dashboard.CreateOtlpHttpClient();
        var before = dashboard.Repository.SpanCount;
        using var response = await otlp.PostAsync("/v1/traces", Protobuf(RequestWithSpans(1).ToByteArray()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, dashboard.Repository.SpanCount);
    }

    internal static ExportTraceServiceRequest RequestWithSpans(int count)
    {
        var scope = new ScopeSpans();
        var traceId = ByteString.CopyFrom(Guid.NewGuid().ToByteArray());
        for (var i = 0; i < count; i++)
        {
            var span = new Span
            {
                TraceId = traceId,
                SpanId = ByteString.CopyFrom(BitConverter.GetBytes((long)i + 1)),
                Name = $"span-{i}",
                StartTimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)i * 1_000_000,
                EndTimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)i * 1_000_000 + 500_000,
            };
            span.Attributes.Add(new GossipAspire.Otlp.Common.V1.KeyValue { Key = "index", Value = new() { IntValue = i } });
            scope.Spans.Add(span);
        }

        var resourceSpans = new ResourceSpans { Resource = new() };
        resourceSpans.Resource.Attributes.Add(new GossipAspire.Otlp.Common.V1.KeyValue { Key = "service.name", Value = new() { StringValue = "raw-sender" } });
        resourceSpans.ScopeSpans.Add(scope);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(resourceSpans);
        return request;
    }

    private static ByteArrayContent Protobuf(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }

    private static ByteArrayContent Gzip(byte[] body)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body);
        }

        var content = Protobuf(compressed.ToArray());
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }
}
