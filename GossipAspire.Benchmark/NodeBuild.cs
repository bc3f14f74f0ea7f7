using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GossipAspire.Benchmark;

/// <summary>
/// Gets a node to run, once per benchmark: a path given on the command line as it is, else the node project
/// published in Release into <c>GossipAspire.Benchmark/obj/bench/</c> (framework-dependent, run through
/// <c>dotnet</c>; or Native AOT for linux-x64, run directly). Publishing into a folder of its own keeps the run
/// independent of whatever a developer builds meanwhile.
/// </summary>
public static class NodeBuild
{
    public const string NodeProject = "GossipAspire.Node/GossipAspire.Node.csproj";
    public const string NodeAssembly = "GossipAspire.Node.dll";
    public const string NodeExecutable = "GossipAspire.Node";

    /// <summary>The command for an already built node: a .dll runs through dotnet, anything else directly.</summary>
    public static NodeCommand FromPath(string path)
    {
        var full = Path.GetFullPath(path);
        return full.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new NodeCommand(DotnetHost(), [full], $"dotnet {full}")
            : new NodeCommand(full, [], full);
    }

    /// <summary>Builds (publishes) the node and answers how to run it.</summary>
    public static async Task<NodeCommand> PrepareAsync(string repositoryRoot, bool aot, Action<string> log, CancellationToken cancellationToken)
    {
        var project = Path.Combine(repositoryRoot, NodeProject);
        if (!File.Exists(project))
        {
            throw new BenchmarkException($"no node project at {project}");
        }

        var output = Path.Combine(repositoryRoot, "GossipAspire.Benchmark", "obj", "bench", aot ? "node-aot" : "node");
        List<string> arguments = ["publish", project, "-c", "Release", "-o", output, "--nologo", "-v", "quiet", "--disable-build-servers"];
        if (aot)
        {
            arguments.AddRange(["-r", RuntimeIdentifier(), "-p:PublishAot=true"]);
        }

        log($"dotnet {string.Join(' ', arguments)}");
        var (exitCode, text) = await RunAsync(DotnetHost(), arguments, repositoryRoot, cancellationToken);
        if (exitCode != 0)
        {
            throw new BenchmarkException($"building the node failed (exit {exitCode}):{Environment.NewLine}{text}");
        }

        var path = Path.Combine(output, aot ? NodeExecutable : NodeAssembly);
        if (!File.Exists(path))
        {
            throw new BenchmarkException($"the build succeeded but left no {Path.GetFileName(path)} in {output}");
        }

        return aot ? new NodeCommand(path, [], $"{path} (Native AOT)") : new NodeCommand(DotnetHost(), [path], $"dotnet {path}");
    }

    /// <summary>The folder holding GossipAspire.sln, looked for upwards from the current folder, then from this program's.</summary>
    public static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "GossipAspire.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>The dotnet host this program runs on, so the node runs on the same runtime.</summary>
    public static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        if (Environment.ProcessPath is { } processPath && Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            return processPath;
        }

        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(candidate) ? candidate : "dotnet";
    }

    private static string RuntimeIdentifier() =>
        RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // A build started from inside 'dotnet run' or 'dotnet test' must not inherit that build's MSBuild settings.
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("MSBUILD", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        using var process = Process.Start(startInfo) ?? throw new BenchmarkException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
