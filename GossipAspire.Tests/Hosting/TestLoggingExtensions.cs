using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Hosting;

internal static class TestLoggingExtensions
{
    public static IServiceCollection AddLoggingToTestOutput(this IServiceCollection services, ITestOutputHelper output) =>
        services.AddLogging(logging => logging.AddProvider(new XunitLoggerProvider(output)).SetMinimumLevel(LogLevel.Debug));
}
