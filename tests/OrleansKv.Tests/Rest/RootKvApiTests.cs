using System.Net;

namespace OrleansKv.Tests.Rest;

/// <summary>The root KVStore contract: <c>GET/POST/DELETE /{key}</c> with JSON string values.</summary>
public sealed class RootKvApiTests : IClassFixture<KvServerFactory>
{
    private readonly KvServerFactory _server;

    public RootKvApiTests(KvServerFactory server) => _server = server;

    [Fact]
    public async Task PostThenGetReturnsTheValueAndDeleteRemovesIt()
    {
        using var client = _server.ClientWith(KvServerFactory.TokenA);
        var key = "root-" + Guid.NewGuid().ToString("N");

        using (var set = await client.PostAsync("/" + key, RestAssert.RootValue("hello")))
        {
            var body = await RestAssert.JsonAsync(set, HttpStatusCode.OK);
            Assert.Equal("OK", body.GetProperty("message").GetString());
        }

        Assert.Equal("hello", await RestAssert.RootGetAsync(client, key));

        using (var delete = await client.DeleteAsync("/" + key))
        {
            var body = await RestAssert.JsonAsync(delete, HttpStatusCode.OK);
            Assert.Equal("OK", body.GetProperty("message").GetString());
        }

        using var gone = await client.GetAsync("/" + key);
        await RestAssert.ErrorAsync(gone, HttpStatusCode.NotFound, "not_found");
    }
}
