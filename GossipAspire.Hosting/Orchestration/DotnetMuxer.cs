using System.Runtime.InteropServices;

namespace Aspire.Hosting.Orchestration;

/// <summary>The <c>dotnet</c> host that runs a built .NET assembly: the one this process runs on.</summary>
internal static class DotnetMuxer
{
    private static readonly Lazy<string> s_path = new(Find);

    public static string Path => s_path.Value;

    private static string Find()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        if (Environment.ProcessPath is { } processPath && string.Equals(System.IO.Path.GetFileName(processPath), name, StringComparison.OrdinalIgnoreCase))
        {
            return processPath;
        }

        // .../dotnet/shared/Microsoft.NETCore.App/<version>/ -> .../dotnet/dotnet
        var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();
        var root = System.IO.Path.GetFullPath(System.IO.Path.Combine(runtimeDirectory, "..", "..", ".."));
        var candidate = System.IO.Path.Combine(root, name);
        return File.Exists(candidate) ? candidate : name;
    }
}
