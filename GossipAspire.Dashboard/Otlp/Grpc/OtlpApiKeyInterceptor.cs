using Grpc.Core;
using Grpc.Core.Interceptors;
using GossipAspire.Dashboard.Configuration;

namespace GossipAspire.Dashboard.Otlp.Grpc;

/// <summary>OTLP/gRPC calls without the right <c>x-otlp-api-key</c> end with UNAUTHENTICATED before any decoding work.</summary>
public sealed class OtlpApiKeyInterceptor(OtlpApiKey apiKey) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (!apiKey.IsAuthorized(context.RequestHeaders.GetValue(DashboardConfigurationNames.OtlpApiKeyHeader)))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, $"The {DashboardConfigurationNames.OtlpApiKeyHeader} header is missing or wrong."));
        }

        return continuation(request, context);
    }
}
