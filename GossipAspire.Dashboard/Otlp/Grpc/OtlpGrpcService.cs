using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using GossipAspire.Otlp.Collector.Logs.V1;
using GossipAspire.Otlp.Collector.Metrics.V1;
using GossipAspire.Otlp.Collector.Trace.V1;

namespace GossipAspire.Dashboard.Otlp.Grpc;

/// <summary>
/// OTLP/gRPC: the three <c>Export</c> methods (<c>opentelemetry.proto.collector.{trace,logs,metrics}.v1.*Service/Export</c>),
/// thin adapters over <see cref="OtlpIngestService"/>. The methods are bound by hand rather than through
/// generated base classes so a message that does not decode ends the call with INVALID_ARGUMENT, as the OTLP
/// specification asks, instead of the UNKNOWN a generated service would answer.
/// </summary>
public sealed class OtlpGrpcService(OtlpIngestService ingest)
{
    public Task<ExportTraceServiceResponse> ExportTraces(ExportTraceServiceRequest request, ServerCallContext context) =>
        Task.FromResult(ingest.Export(request));

    public Task<ExportLogsServiceResponse> ExportLogs(ExportLogsServiceRequest request, ServerCallContext context) =>
        Task.FromResult(ingest.Export(request));

    public Task<ExportMetricsServiceResponse> ExportMetrics(ExportMetricsServiceRequest request, ServerCallContext context) =>
        Task.FromResult(ingest.Export(request));
}

public sealed class OtlpGrpcMethodProvider : IServiceMethodProvider<OtlpGrpcService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpGrpcService> context)
    {
        context.AddUnaryMethod(Method("opentelemetry.proto.collector.trace.v1.TraceService", ExportTraceServiceRequest.Parser), [],
            (service, request, call) => service.ExportTraces(request, call));
        context.AddUnaryMethod(Method<ExportLogsServiceRequest, ExportLogsServiceResponse>("opentelemetry.proto.collector.logs.v1.LogsService", ExportLogsServiceRequest.Parser), [],
            (service, request, call) => service.ExportLogs(request, call));
        context.AddUnaryMethod(Method<ExportMetricsServiceRequest, ExportMetricsServiceResponse>("opentelemetry.proto.collector.metrics.v1.MetricsService", ExportMetricsServiceRequest.Parser), [],
            (service, request, call) => service.ExportMetrics(request, call));
    }

    private static Method<ExportTraceServiceRequest, ExportTraceServiceResponse> Method(string serviceName, MessageParser<ExportTraceServiceRequest> parser) =>
        Method<ExportTraceServiceRequest, ExportTraceServiceResponse>(serviceName, parser);

    private static Method<TRequest, TResponse> Method<TRequest, TResponse>(string serviceName, MessageParser<TRequest> parser)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        new(MethodType.Unary, serviceName, "Export",
            Marshallers.Create<TRequest>(
                static request => request.ToByteArray(),
                bytes =>
                {
                    try
                    {
                        return parser.ParseFrom(bytes);
                    }
                    catch (InvalidProtocolBufferException ex)
                    {
                        throw new RpcException(new Status(StatusCode.InvalidArgument, $"The request is not a valid {typeof(TRequest).Name}: {ex.Message}"));
                    }
                }),
            Marshallers.Create<TResponse>(
                static response => response.ToByteArray(),
                static _ => throw new NotSupportedException("The dashboard never reads an export response.")));
}
