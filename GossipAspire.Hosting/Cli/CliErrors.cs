using Microsoft.Extensions.Options;

namespace Aspire.Hosting.Cli;

/// <summary>
/// How an AppHost run from the command line reports a problem of the application (bad options, a port in
/// use): one clear message on stderr and exit code 1, not a stack trace.
/// </summary>
internal static class CliErrors
{
    private static int s_installed;

    public static void Print(Exception exception)
    {
        var message = exception is OptionsValidationException validation ? string.Join(Environment.NewLine, validation.Failures) : exception.Message;
        var lines = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in lines)
        {
            Console.Error.WriteLine($"error: {line}");
        }
    }

    /// <summary>
    /// An AppHost's <c>Program</c> that throws <see cref="DistributedApplicationException"/> before it builds
    /// (its options are invalid, say) ends the same way.
    /// </summary>
    public static void PrintUnhandledApplicationErrors()
    {
        if (Interlocked.Exchange(ref s_installed, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (e.ExceptionObject is DistributedApplicationException or OptionsValidationException)
            {
                Print((Exception)e.ExceptionObject);
                Console.Error.Flush();
                Environment.Exit(1);
            }
        };
    }
}
