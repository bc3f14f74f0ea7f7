using System.Buffers;
using System.IO.Compression;
using Google.Protobuf;
using GossipAspire.Dashboard.Configuration;
using GossipAspire.Dashboard.Hosting;
using GossipAspire.Otlp.Collector.Logs.V1;
using GossipAspire.Otlp.Collector.Metrics.V1;
using GossipAspire.Otlp.Collector.Trace.V1;
using GossipAspire.Otlp.Rpc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GossipAspire.Dashboard.Otlp.Http;

/// <summary>
/// OTLP/HTTP: <c>POST /v1/traces</c>, <c>/v1/logs</c>, <c>/v1/metrics</c> in <c>application/x-protobuf</c> or
/// <c>application/json</c>, optionally gzip-compressed. The answer is in the request's encoding: the export
/// response (with partial success when items were refused) on 200, a <c>google.rpc.Status</c> on 400
/// (undecodable), 401 (API key), 413 (too large) and 415 (unsupported content type or encoding).
/// </summary>
public static class OtlpHttpApi
{
    public const string ProtobufContentType = "application/x-protobuf";
    public const string JsonContentType = "application/json";

    public static RouteGroupBuilder MapOtlpHttpApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1")
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithMetadata(new ConnectionTypeMetadata(ConnectionType.OtlpHttp));

        group.MapPost("/traces", static (HttpContext context, OtlpIngestService ingest) =>
            HandleAsync(context, ExportTraceServiceRequest.Parser, ingest.Export));
        group.MapPost("/logs", static (HttpContext context, OtlpIngestService ingest) =>
            HandleAsync(context, ExportLogsServiceRequest.Parser, ingest.Export));
        group.MapPost("/metrics", static (HttpContext context, OtlpIngestService ingest) =>
            HandleAsync(context, ExportMetricsServiceRequest.Parser, ingest.Export));

        return group;
    }

    private static async Task<IResult> HandleAsync<TRequest, TResponse>(HttpContext context, MessageParser<TRequest> parser, Func<TRequest, TResponse> export)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<DashboardOptions>>().Value.Otlp;
        var isJson = IsJson(context.Request.ContentType, out var isProtobuf);

        if (!services.GetRequiredService<OtlpApiKey>().IsAuthorized(context.Request.Headers[DashboardConfigurationNames.OtlpApiKeyHeader]))
        {
            return Error(StatusCodes.Status401Unauthorized, 16, $"The {DashboardConfigurationNames.OtlpApiKeyHeader} header is missing or wrong.", isJson);
        }

        if (!isJson && !isProtobuf)
        {
            return Error(StatusCodes.Status415UnsupportedMediaType, 3,
                $"Content-Type '{context.Request.ContentType}' is not supported; send {ProtobufContentType} or {JsonContentType}.", isJson: false);
        }

        var encoding = context.Request.Headers.ContentEncoding.ToString();
        var gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        if (encoding.Length > 0 && !gzip && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return Error(StatusCodes.Status415UnsupportedMediaType, 3, $"Content-Encoding '{encoding}' is not supported; send gzip or none.", isJson);
        }

        if (!gzip && context.Request.ContentLength > options.MaxRequestBodySize)
        {
            return TooLarge(options.MaxRequestBodySize, isJson);
        }

        byte[] buffer;
        int length;
        try
        {
            var body = gzip ? new GZipStream(context.Request.Body, CompressionMode.Decompress) : context.Request.Body;
            await using (body)
            {
                (buffer, length) = await ReadBoundedAsync(body, options.MaxRequestBodySize, context.RequestAborted);
            }
        }
        catch (InvalidDataException ex)
        {
            return Error(StatusCodes.Status400BadRequest, 3, $"The gzip body could not be decompressed: {ex.Message}", isJson);
        }

        if (length < 0)
        {
            return TooLarge(options.MaxRequestBodySize, isJson);
        }

        try
        {
            TRequest request;
            try
            {
                request = isJson ? OtlpJson.Parse<TRequest>(buffer.AsSpan(0, length)) : parser.ParseFrom(buffer.AsSpan(0, length));
            }
            catch (InvalidProtocolBufferException ex)
            {
                return Error(StatusCodes.Status400BadRequest, 3, $"The body is not a valid {typeof(TRequest).Name}: {ex.Message}", isJson);
            }
            catch (FormatException ex)
            {
                return Error(StatusCodes.Status400BadRequest, 3, $"The body is not a valid {typeof(TRequest).Name}: {ex.Message}", isJson);
            }

            return Message(StatusCodes.Status200OK, export(request), isJson);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads the whole body into a pooled buffer; a length of -1 means it passed the limit.</summary>
    private static async Task<(byte[] Buffer, int Length)> ReadBoundedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length > limit)
                {
                    return (buffer, -1);
                }

                var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                buffer.AsSpan(0, length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = bigger;
            }

            var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return (buffer, length > limit ? -1 : length);
            }

            length += read;
            if (length > limit)
            {
                return (buffer, -1);
            }
        }
    }

    private static bool IsJson(string? contentType, out bool isProtobuf)
    {
        isProtobuf = false;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return false;
        }

        isProtobuf = mediaType.MediaType.Equals(ProtobufContentType, StringComparison.OrdinalIgnoreCase);
        return mediaType.MediaType.Equals(JsonContentType, StringComparison.OrdinalIgnoreCase);
    }

    private static IResult TooLarge(int limit, bool isJson) =>
        Error(StatusCodes.Status413PayloadTooLarge, 8, $"The body is larger than the {limit} bytes this dashboard accepts; send smaller batches.", isJson);

    private static IResult Error(int statusCode, int grpcCode, string message, bool isJson) =>
        Message(statusCode, new Status { Code = grpcCode, Message = message }, isJson);

    private static IResult Message(int statusCode, IMessage message, bool isJson) => isJson
        ? TypedResults.Text(OtlpJson.Format(message), JsonContentType, statusCode: statusCode)
        : new ProtobufResult(statusCode, message.ToByteArray());

    /// <summary>Protobuf bytes with a status code (TypedResults.Bytes always answers 200).</summary>
    private sealed class ProtobufResult(int statusCode, byte[] body) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = statusCode;
            httpContext.Response.ContentType = ProtobufContentType;
            httpContext.Response.ContentLength = body.Length;
            await httpContext.Response.Body.WriteAsync(body);
        }
    }
}
