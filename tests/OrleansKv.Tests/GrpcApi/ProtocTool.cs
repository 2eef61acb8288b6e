using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OrleansKv.Tests.GrpcApi;

/// <summary>
/// The <c>protoc</c> of the NuGet package Grpc.Tools 2.50.0 (protoc 3.21, which matches Debian's python3-protobuf),
/// used to generate the Python messages of the interop test. Restored once with <c>dotnet restore</c> (a throwaway
/// project with a PackageDownload, outside the repository so its build settings do not apply) into the git-ignored
/// <c>.tools/</c> folder at the repository root, and reused from there.
/// </summary>
internal static class ProtocTool
{
    public const string Version = "2.50.0";

    private static readonly Lazy<Task<(string Protoc, string Include)>> Tool = new(EnsureAsync);

    /// <summary>The protoc binary and its well-known-types include folder.</summary>
    public static Task<(string Protoc, string Include)> GetAsync() => Tool.Value;

    /// <summary>The repository root (the folder with OrleansKv.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansKv.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("OrleansKv.sln not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(string Protoc, string Include)> EnsureAsync()
    {
        var packages = Path.Combine(RepositoryRoot(), ".tools", "nuget");
        var package = Path.Combine(packages, "grpc.tools", Version);
        var platform = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux_arm64" : "linux_x64";
        var protoc = Path.Combine(package, "tools", platform, "protoc");
        if (!File.Exists(protoc))
        {
            await RestoreAsync(packages);
        }

        if (!File.Exists(protoc))
        {
            throw new FileNotFoundException($"Restoring Grpc.Tools {Version} did not produce {protoc}.");
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(protoc, File.GetUnixFileMode(protoc) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return (protoc, Path.Combine(package, "build", "native", "include"));
    }

    private static async Task RestoreAsync(string packages)
    {
        var project = Path.Combine(Path.GetTempPath(), "orleans-kv-protoc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(project);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(project, "protoc.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageDownload Include="Grpc.Tools" Version="[{Version}]" />
                  </ItemGroup>
                </Project>
                """);
            var (exitCode, output) = await RunAsync("dotnet", project, "restore", "protoc.csproj", "--packages", packages);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"dotnet restore of Grpc.Tools {Version} failed ({exitCode}): {output}");
            }
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string workingDirectory, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException(fileName + " did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in 3 minutes.");
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
