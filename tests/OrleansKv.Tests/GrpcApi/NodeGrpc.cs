namespace OrleansKv.Tests.GrpcApi;

/// <summary>
/// Node's @grpc/grpc-js and @grpc/proto-loader at pinned versions, installed by npm into the git-ignored
/// <c>.tools/node-grpc</c> folder once and reused. Installs take the same <c>.tools/.lock</c> (flock) as the chart
/// checks' npm installs, so parallel test processes on a fresh clone never race.
/// </summary>
internal static class NodeGrpc
{
    public static readonly string[] Packages = ["@grpc/grpc-js@1.14.7", "@grpc/proto-loader@0.8.1"];

    private static readonly Lazy<Task<string>> Modules = new(InstallAsync);

    /// <summary>The node_modules folder holding the packages.</summary>
    public static Task<string> GetModulesAsync() => Modules.Value;

    private static async Task<string> InstallAsync()
    {
        var tools = Path.Combine(ProtocTool.RepositoryRoot(), ".tools");
        var dir = Path.Combine(tools, "node-grpc");
        Directory.CreateDirectory(tools);
        var wanted = string.Join(' ', Packages);
        var script = $$"""
            set -e
            [ "$(cat '{{dir}}/.installed' 2>/dev/null)" = '{{wanted}}' ] && exit 0
            rm -rf '{{dir}}' && mkdir -p '{{dir}}'
            printf '{"name":"orleans-kv-node-grpc","private":true}\n' > '{{dir}}/package.json'
            cd '{{dir}}' && npm install --silent --no-audit --no-fund --no-package-lock --loglevel=error {{wanted}} >/dev/null
            printf '%s' '{{wanted}}' > '{{dir}}/.installed'
            """;
        var (exitCode, output) = await ProtocTool.RunAsync("flock", tools, Path.Combine(tools, ".lock"), "bash", "-c", script);
        Assert.True(exitCode == 0, $"npm install of {wanted} failed ({exitCode}): {output}");
        return Path.Combine(dir, "node_modules");
    }
}
