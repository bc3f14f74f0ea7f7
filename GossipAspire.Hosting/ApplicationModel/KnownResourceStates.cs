namespace Aspire.Hosting.ApplicationModel;

/// <summary>The state names resources go through, as Aspire names them.</summary>
public static class KnownResourceStates
{
    public const string NotStarted = "NotStarted";
    public const string Waiting = "Waiting";
    public const string Starting = "Starting";
    public const string Running = "Running";
    public const string Stopping = "Stopping";
    public const string Exited = "Exited";
    public const string Finished = "Finished";
    public const string FailedToStart = "FailedToStart";
    public const string RuntimeUnhealthy = "RuntimeUnhealthy";
    public const string Hidden = "Hidden";

    /// <summary>States a resource stays in until someone starts it again.</summary>
    public static IReadOnlyList<string> TerminalStates { get; } = [Exited, Finished, FailedToStart];

    public static bool IsTerminal(string? state) => state is Exited or Finished or FailedToStart;
}

/// <summary>How a dashboard colours a state.</summary>
public static class KnownResourceStateStyles
{
    public const string Success = "success";
    public const string Info = "info";
    public const string Warn = "warning";
    public const string Error = "error";

    public static string? For(string state, int? exitCode = null) => state switch
    {
        KnownResourceStates.Running => Success,
        KnownResourceStates.Starting or KnownResourceStates.Stopping or KnownResourceStates.Waiting => Info,
        KnownResourceStates.Finished => exitCode is null or 0 ? Info : Error,
        KnownResourceStates.Exited => exitCode is null or 0 ? Warn : Error,
        KnownResourceStates.FailedToStart or KnownResourceStates.RuntimeUnhealthy => Error,
        _ => null,
    };
}

/// <summary>The resource types this host reports.</summary>
public static class KnownResourceTypes
{
    public const string Project = "Project";
    public const string Executable = "Executable";
}

/// <summary>The commands every process resource offers.</summary>
public static class KnownResourceCommands
{
    public const string StartCommand = "start";
    public const string StopCommand = "stop";
    public const string RestartCommand = "restart";

    /// <summary>Aspire's own spelling of the same commands, accepted as aliases.</summary>
    internal static string Normalize(string commandName) => commandName switch
    {
        "resource-start" => StartCommand,
        "resource-stop" => StopCommand,
        "resource-restart" => RestartCommand,
        _ => commandName,
    };
}
