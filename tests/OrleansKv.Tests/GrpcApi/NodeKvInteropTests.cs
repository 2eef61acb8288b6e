using System.Globalization;
using System.Text.Json;

namespace OrleansKv.Tests.GrpcApi;

/// <summary>
/// A second independent client: Node's @grpc/grpc-js (pure JavaScript HTTP/2) with messages loaded at run time
/// from protos/kvstore.proto by @grpc/proto-loader: unary calls, server streaming, cancellation, deadlines, gzip.
/// </summary>
[Collection(KvServerCollection.Name)]
public sealed class NodeKvInteropTests(KvServerFixture fixture)
{
    [Fact]
    public async Task NodeGrpcJsDrivesTheKvStoreApi()
    {
        var modules = await NodeGrpc.GetModulesAsync();
        var script = Path.Combine(AppContext.BaseDirectory, "GrpcApi", "node_kv_interop.js");
        var (exitCode, output) = await ProtocTool.RunAsync(
            "node",
            AppContext.BaseDirectory,
            script,
            modules,
            Path.Combine(ProtocTool.RepositoryRoot(), "protos"),
            fixture.Host.GrpcAddress.Port.ToString(CultureInfo.InvariantCulture),
            fixture.Token);

        Assert.True(exitCode == 0, $"node exited with {exitCode}: {output}");
        using var json = JsonDocument.Parse(output);
        var r = json.RootElement;

        var unary = r.GetProperty("unary");
        Assert.Equal("OK", unary.GetProperty("set").GetString());
        Assert.True(unary.GetProperty("created").GetBoolean());
        Assert.Equal("OK", unary.GetProperty("get").GetString());
        Assert.Equal(unary.GetProperty("etag").GetString(), unary.GetProperty("get_etag").GetString());
        Assert.Equal("000102ff", unary.GetProperty("value").GetString());
        Assert.Equal("application/x-node", unary.GetProperty("content_type").GetString());
        Assert.Equal("NOT_FOUND", r.GetProperty("not_found").GetString());
        Assert.Equal("INVALID_ARGUMENT", r.GetProperty("invalid").GetString());

        Assert.Equal("OK", r.GetProperty("batch").GetString());
        Assert.Equal("OK", r.GetProperty("list").GetProperty("code").GetString());
        Assert.Equal(50, r.GetProperty("list").GetProperty("count").GetInt32());
        Assert.True(r.GetProperty("list").GetProperty("ordered").GetBoolean());
        Assert.Equal(["many/010", "many/011", "many/012", "many/013", "many/014"], r.GetProperty("list_page").EnumerateArray().Select(e => e.GetString()));

        Assert.Equal("CANCELLED", r.GetProperty("cancel").GetProperty("code").GetString());
        Assert.Equal("many/000", r.GetProperty("cancel").GetProperty("first").GetString());
        Assert.Equal("DEADLINE_EXCEEDED", r.GetProperty("deadline_unary").GetString());
        Assert.Equal("DEADLINE_EXCEEDED", r.GetProperty("deadline_list").GetString());

        var gzip = r.GetProperty("gzip");
        Assert.Equal("OK", gzip.GetProperty("set").GetString());
        Assert.Equal("OK", gzip.GetProperty("get").GetString());
        Assert.True(gzip.GetProperty("same").GetBoolean());
    }
}
