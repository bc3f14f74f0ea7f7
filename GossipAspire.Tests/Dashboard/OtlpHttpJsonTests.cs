using System.Net;
using System.Text;
using System.Text.Json;
using GossipAspire.Dashboard.Otlp.Model;
using GossipAspire.Dashboard.Otlp.Storage;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Dashboard;

/// <summary>
/// OTLP/HTTP JSON as non-.NET SDKs send it, posted raw: hex ids, enums as numbers or names, 64-bit integers as
/// strings or numbers, lowerCamelCase keys, unknown fields.
/// </summary>
public sealed class OtlpHttpJsonTests(ITestOutputHelper output)
{
    private const string TraceId = "5b8efff798038103d269b633813fc60c";
    private const string RootSpanId = "eee19b7ec3c1b174";
    private const string ChildSpanId = "eee19b7ec3c1b173";

    private const string TracesJson = $$"""
        {
          "resourceSpans": [{
            "resource": { "attributes": [
              { "key": "service.name", "value": { "stringValue": "json-sender" } },
              { "key": "service.instance.id", "value": { "stringValue": "js-1" } }
            ] },
            "scopeSpans": [{
              "scope": { "name": "my.library", "version": "1.0.0" },
              "spans": [
                {
                  "traceId": "{{TraceId}}",
                  "spanId": "{{RootSpanId}}",
                  "name": "gossip pick",
                  "kind": 1,
                  "startTimeUnixNano": "1544712660000000000",
                  "endTimeUnixNano": 1544712661000000000,
                  "attributes": [
                    { "key": "s", "value": { "stringValue": "Middlemarch by George Eliot" } },
                    { "key": "b", "value": { "boolValue": true } },
                    { "key": "i", "value": { "intValue": "9007199254740993" } },
                    { "key": "i2", "value": { "intValue": 7 } },
                    { "key": "d", "value": { "doubleValue": 2.5 } },
                    { "key": "a", "value": { "arrayValue": { "values": [ { "stringValue": "x" }, { "intValue": "1" } ] } } },
                    { "key": "m", "value": { "kvlistValue": { "values": [ { "key": "inner", "value": { "boolValue": false } } ] } } },
                    { "key": "bytes", "value": { "bytesValue": "AQID" } },
                    { "key": "escaped", "value": { "stringValue": "say \"hi\" caf\u00e9 \\ tab\t" } }
                  ],
                  "events": [ { "timeUnixNano": "1544712660500000000", "name": "picked", "attributes": [ { "key": "book", "value": { "stringValue": "Kim" } } ] } ],
                  "status": { "code": "STATUS_CODE_ERROR", "message": "bad luck" },
                  "someFieldFromTheFuture": { "ignored": true }
                },
                {
                  "traceId": "{{TraceId}}",
                  "spanId": "{{ChildSpanId}}",
                  "parentSpanId": "{{RootSpanId}}",
                  "name": "gossip receive",
                  "kind": "SPAN_KIND_SERVER",
                  "startTimeUnixNano": "1544712660100000000",
                  "endTimeUnixNano": "1544712660200000000",
                  "links": [ { "traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0102030405060708", "attributes": [ { "key": "why", "value": { "stringValue": "related" } } ] } ],
                  "status": { "code": 1 }
                }
              ]
            }]
          }]
        }
        """;

    [Fact]
    public async Task PostJson_TracesWithEveryValueKind_ArriveWhole()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var otlp = dashboard.CreateOtlpHttpClient();

        using var response = await otlp.PostAsync("/v1/traces", new StringContent(TracesJson, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(answer.TryGetProperty("partialSuccess", out _), "nothing was refused, so no partialSuccess");

        using var api = dashboard.CreateFrontendClient();
        var trace = JsonDocument.Parse(await api.GetStringAsync($"/api/telemetry/traces/{TraceId}")).RootElement;
        var spans = trace.GetProperty("spans").EnumerateArray().ToList();
        Assert.Equal(2, spans.Count);
        var root = spans.Single(s => s.GetProperty("spanId").GetString() == RootSpanId);
        var child = spans.Single(s => s.GetProperty("spanId").GetString() == ChildSpanId);

        Assert.Equal("json-sender", root.GetProperty("service").GetString());
        Assert.Equal("Internal", root.GetProperty("kind").GetString());
        Assert.Equal("Server", child.GetProperty("kind").GetString());
        Assert.Equal(new DateTime(2018, 12, 13, 14, 51, 0, DateTimeKind.Utc), root.GetProperty("start").GetDateTime().ToUniversalTime());
        Assert.Equal(new DateTime(2018, 12, 13, 14, 51, 1, DateTimeKind.Utc), root.GetProperty("end").GetDateTime().ToUniversalTime());
        Assert.Equal("Error", root.GetProperty("status").GetString());
        Assert.Equal("bad luck", root.GetProperty("statusMessage").GetString());
        Assert.Equal("Ok", child.GetProperty("status").GetString());
        Assert.Equal(RootSpanId, child.GetProperty("parentSpanId").GetString());

        var a = root.GetProperty("attributes");
        Assert.Equal("Middlemarch by George Eliot", a.GetProperty("s").GetString());
        Assert.True(a.GetProperty("b").GetBoolean());
        Assert.Equal(9007199254740993L, a.GetProperty("i").GetInt64());
        Assert.Equal(7, a.GetProperty("i2").GetInt64());
        Assert.Equal(2.5, a.GetProperty("d").GetDouble());
        Assert.Equal("x", a.GetProperty("a")[0].GetString());
        Assert.Equal(1, a.GetProperty("a")[1].GetInt64());
        Assert.False(a.GetProperty("m").GetProperty("inner").GetBoolean());
        Assert.Equal("AQID", a.GetProperty("bytes").GetString());
        Assert.Equal("say \"hi\" café \\ tab\t", a.GetProperty("escaped").GetString());

        var evt = Assert.Single(root.GetProperty("events").EnumerateArray());
        Assert.Equal("picked", evt.GetProperty("name").GetString());
        Assert.Equal("Kim", evt.GetProperty("attributes").GetProperty("book").GetString());

        var link = Assert.Single(child.GetProperty("links").EnumerateArray());
        Assert.Equal("0102030405060708090a0b0c0d0e0f10", link.GetProperty("traceId").GetString());
        Assert.Equal("0102030405060708", link.GetProperty("spanId").GetString());
        Assert.Equal("related", link.GetProperty("attributes").GetProperty("why").GetString());
    }

    [Fact]
    public async Task PostJson_LogsAndMetrics_AreStored()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var otlp = dashboard.CreateOtlpHttpClient();
        const string logs = $$"""
            { "resourceLogs": [{ "resource": { "attributes": [ { "key": "service.name", "value": { "stringValue": "json-logger" } } ] },
              "scopeLogs": [{ "scope": { "name": "app" }, "logRecords": [
                { "timeUnixNano": "1544712660300000000", "severityNumber": 17, "severityText": "Error", "body": { "stringValue": "disk full" },
                  "traceId": "{{TraceId}}", "spanId": "{{RootSpanId}}", "attributes": [ { "key": "disk", "value": { "stringValue": "/dev/sda" } } ] },
                { "observedTimeUnixNano": "1544712660400000000", "severityNumber": "SEVERITY_NUMBER_INFO", "body": { "stringValue": "all good" } }
              ] }] }] }
            """;
        const string metrics = """
            { "resourceMetrics": [{ "resource": { "attributes": [ { "key": "service.name", "value": { "stringValue": "json-meter" } } ] },
              "scopeMetrics": [{ "scope": { "name": "m" }, "metrics": [
                { "name": "queue.depth", "unit": "{item}", "gauge": { "dataPoints": [ { "timeUnixNano": "1544712660000000000", "asInt": "12" } ] } },
                { "name": "requests", "sum": { "aggregationTemporality": 2, "isMonotonic": true,
                  "dataPoints": [ { "timeUnixNano": "1544712660000000000", "asDouble": 3.5, "attributes": [ { "key": "route", "value": { "stringValue": "/gossip" } } ] } ] } }
              ] }] }] }
            """;

        using var logResponse = await otlp.PostAsync("/v1/logs", new StringContent(logs, Encoding.UTF8, "application/json"));
        using var metricResponse = await otlp.PostAsync("/v1/metrics", new StringContent(metrics, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, logResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metricResponse.StatusCode);
        var stored = dashboard.Repository.GetLogs(new LogQuery(Resource: "json-logger")).Items;
        Assert.Equal(2, stored.Count);
        var error = stored.Single(l => l.Message == "disk full");
        Assert.Equal(OtlpLogLevel.Error, error.Level);
        Assert.Equal(TraceId, error.TraceId);
        Assert.Equal(RootSpanId, error.SpanId);
        Assert.Equal(OtlpLogLevel.Information, stored.Single(l => l.Message == "all good").Level);

        var instruments = dashboard.Repository.GetInstruments("json-meter");
        Assert.Equal(12, instruments.Single(i => i.Name == "queue.depth").Series[0].Points[0].Value);
        var requests = instruments.Single(i => i.Name == "requests");
        Assert.Equal(OtlpInstrumentKind.Sum, requests.Kind);
        Assert.Equal(3.5, requests.Series[0].Points[0].Value);
        Assert.Equal("/gossip", AttributeValues.GetString(requests.Series[0].Attributes, "route"));
    }
}
