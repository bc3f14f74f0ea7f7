using GossipAspire.Node;
using Microsoft.Extensions.Options;

try
{
    var builder = WebApplication.CreateSlimBuilder(args);
    builder.Configuration.AddCommandLine(args, GossipNodeExtensions.SwitchMappings.ToDictionary());

    builder.AddServiceDefaults();
    builder.AddGossipNode();

    var app = builder.Build();

    app.MapDefaultEndpoints();
    app.MapGossipNode();

    app.Run();
    return 0;
}
catch (OptionsValidationException exception)
{
    Console.Error.WriteLine($"gossip node: {string.Join(" ", exception.Failures)}");
    return 2;
}
catch (Exception exception) when (exception is not HostAbortedException)
{
    // A bad setting (a value that does not convert, a missing book file, a port in use) is one line, not a trace.
    var inner = exception.GetBaseException();
    var detail = inner == exception || exception.Message.Contains(inner.Message, StringComparison.Ordinal) ? "" : $" ({inner.Message})";
    Console.Error.WriteLine($"gossip node: {exception.Message}{detail}");
    return 1;
}

/// <summary>The node's entry point, public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
