using System.Net;

namespace OrleansKv.Tests.Rest;

/// <summary>The REST routes at the edges of what the configuration allows.</summary>
public sealed class ServerLimitsTests
{
    [Fact]
    public async Task TheFactorysSettingsReachTheServerIncludingItsDataDirectory()
    {
        await using var server = new KvServerFactory();
        using var client = server.ClientWith(KvServerFactory.TokenA);

        (await client.PutAsync("/v1/kv/k", new StringContent("v"))).EnsureSuccessStatusCode();

        Assert.True(File.Exists(Path.Combine(server.DataDirectory, "orleans-kv.db")), "the store should live in the factory's DATA_DIR");
        Assert.True(File.Exists(Path.Combine(server.DataDirectory, "orleans-reminders.db")), "the reminders should live in the factory's DATA_DIR");
    }

    [Fact]
    public async Task EveryWriteRouteWorksAtTheLargestAllowedMaxValueBytes()
    {
        await using var server = new KvServerFactory(new Dictionary<string, string> { ["MAX_VALUE_BYTES"] = "536870912" });
        using var client = server.ClientWith(KvServerFactory.TokenA);

        using var root = await client.PostAsync("/k", RestAssert.RootValue("v"));
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        using var put = await client.PutAsync("/v1/kv/p", new StringContent("v"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var batch = await client.PostAsync("/v1/batch", RestAssert.Json("""[{"op": "put", "key": "b", "value": "v"}]"""));
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);

        Assert.Equal(["b", "k", "p"], await RestAssert.ListAllAsync(client));
    }

    [Fact]
    public async Task AOneByteMaxValueBytesIsEnforcedOnEveryWriteRoute()
    {
        await using var server = new KvServerFactory(new Dictionary<string, string> { ["MAX_VALUE_BYTES"] = "1" });
        using var client = server.ClientWith(KvServerFactory.TokenA);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/k", RestAssert.RootValue("v"))).StatusCode);
        await RestAssert.ErrorAsync(await client.PostAsync("/k2", RestAssert.RootValue("vv")), HttpStatusCode.RequestEntityTooLarge, "value_too_large");
        await RestAssert.ErrorAsync(await client.PutAsync("/v1/kv/p", new StringContent("vv")), HttpStatusCode.RequestEntityTooLarge, "value_too_large");
        await RestAssert.ErrorAsync(
            await client.PostAsync("/v1/batch", RestAssert.Json("""[{"op": "put", "key": "b", "value": "vv"}]""")),
            HttpStatusCode.RequestEntityTooLarge,
            "value_too_large");

        Assert.Equal(["k"], await RestAssert.ListAllAsync(client));
    }
}
