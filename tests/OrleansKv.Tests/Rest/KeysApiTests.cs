using System.Net;
using System.Text;
using System.Text.Json;
using OrleansKv.Tests.Infrastructure;

namespace OrleansKv.Tests.Rest;

/// <summary><c>GET /v1/keys</c>: byte order, prefix, cursor paging, limit and offset.</summary>
public sealed class KeysApiTests : IClassFixture<KvServerFactory>
{
    private readonly KvServerFactory _server;

    public KeysApiTests(KvServerFactory server) => _server = server;

    [Fact]
    public async Task KeysListInUtf8ByteOrderNotUtf16Order()
    {
        using var client = await _server.NewNamespaceClientAsync();
        // U+FF21 sorts after U+1F600 in UTF-16 (0xFF21 > 0xD83D) but before it in UTF-8 (EF BC A1 < F0 9F 98 80).
        string[] keys = ["\U0001F600", "\uFF21", "\u4E2D", "\u00E9", "z", "a/b", "a", "B", "~", "a b", "0"];
        await PutAllAsync(client, keys);

        var listed = await RestAssert.ListAllAsync(client);

        var expected = keys.OrderBy(k => Encoding.UTF8.GetBytes(k), ByteOrder.Instance).ToList();
        Assert.Equal(expected, listed);
        Assert.True(listed.IndexOf("\uFF21") < listed.IndexOf("\U0001F600"), "byte order puts U+FF21 before U+1F600");
    }

    [Fact]
    public async Task EachListedKeyCarriesSizeETagAndExpiry()
    {
        using var client = await _server.NewNamespaceClientAsync();
        using var put = await client.PutAsync("/v1/kv/sized", new ByteArrayContent(new byte[42]));
        using var ttl = new StringContent("x");
        ttl.Headers.Add("X-TTL-Seconds", "3600");
        (await client.PutAsync("/v1/kv/ttl", ttl)).EnsureSuccessStatusCode();

        using var response = await client.GetAsync("/v1/keys");
        var page = await RestAssert.JsonAsync(response, HttpStatusCode.OK);

        var items = page.GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal("sized", items[0].GetProperty("key").GetString());
        Assert.Equal(42, items[0].GetProperty("size").GetInt64());
        Assert.Equal(put.Headers.ETag!.ToString(), items[0].GetProperty("etag").GetString());
        Assert.Equal(JsonValueKind.Null, items[0].GetProperty("expires_at").ValueKind);
        var expires = items[1].GetProperty("expires_at").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next_cursor").ValueKind);
    }

    [Fact]
    public async Task PrefixSelectsOnlyKeysThatStartWithIt()
    {
        using var client = await _server.NewNamespaceClientAsync();
        await PutAllAsync(client, ["app/a", "app/b", "app", "apple", "ap", "b/app/x", "app/\u00e9"]);

        Assert.Equal(["app/a", "app/b", "app/\u00e9"], await RestAssert.ListAllAsync(client, "app/"));
        Assert.Equal(["app", "app/a", "app/b", "app/\u00e9", "apple"], await RestAssert.ListAllAsync(client, "app"));
        Assert.Empty(await RestAssert.ListAllAsync(client, "zzz"));
    }

    [Fact]
    public async Task CursorPagingVisitsEveryKeyOnceInOrder()
    {
        using var client = await _server.NewNamespaceClientAsync();
        var keys = Enumerable.Range(0, 230).Select(i => $"k/{i:D4}").Concat(Enumerable.Range(0, 20).Select(i => $"other/{i}")).ToList();
        await PutAllAsync(client, keys);

        var pages = 0;
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            using var response = await client.GetAsync("/v1/keys?prefix=k%2F&limit=7" + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor)));
            var page = await RestAssert.JsonAsync(response, HttpStatusCode.OK);
            var items = page.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("key").GetString()!).ToList();
            Assert.InRange(items.Count, 1, 7);
            seen.AddRange(items);
            cursor = page.GetProperty("next_cursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(keys.Where(k => k.StartsWith("k/", StringComparison.Ordinal)).Order(StringComparer.Ordinal), seen);
        Assert.Equal((230 + 6) / 7, pages);
    }

    [Fact]
    public async Task TheLastFullPageHasNoCursorWhenNothingFollows()
    {
        using var client = await _server.NewNamespaceClientAsync();
        await PutAllAsync(client, ["a", "b", "c", "d"]);

        using var first = await client.GetAsync("/v1/keys?limit=2");
        var cursor = (await RestAssert.JsonAsync(first, HttpStatusCode.OK)).GetProperty("next_cursor").GetString();
        using var second = await client.GetAsync("/v1/keys?limit=2&cursor=" + Uri.EscapeDataString(cursor!));
        var page = await RestAssert.JsonAsync(second, HttpStatusCode.OK);

        Assert.Equal(["c", "d"], page.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("key").GetString()));
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next_cursor").ValueKind);
    }

    [Fact]
    public async Task LimitDefaultsTo100AndAcceptsUpTo1000()
    {
        using var client = await _server.NewNamespaceClientAsync();
        await PutAllAsync(client, Enumerable.Range(0, 1001).Select(i => $"{i:D5}").ToList());

        using var byDefault = await client.GetAsync("/v1/keys");
        var page = await RestAssert.JsonAsync(byDefault, HttpStatusCode.OK);
        Assert.Equal(100, page.GetProperty("keys").GetArrayLength());
        Assert.Equal(JsonValueKind.String, page.GetProperty("next_cursor").ValueKind);

        using var max = await client.GetAsync("/v1/keys?limit=1000");
        var maxPage = await RestAssert.JsonAsync(max, HttpStatusCode.OK);
        Assert.Equal(1000, maxPage.GetProperty("keys").GetArrayLength());
        using var rest = await client.GetAsync("/v1/keys?limit=1000&cursor=" + Uri.EscapeDataString(maxPage.GetProperty("next_cursor").GetString()!));
        var restPage = await RestAssert.JsonAsync(rest, HttpStatusCode.OK);
        Assert.Equal(["01000"], restPage.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("key").GetString()));
    }

    [Theory]
    [InlineData("limit=0", "invalid_limit")]
    [InlineData("limit=1001", "invalid_limit")]
    [InlineData("limit=-1", "invalid_limit")]
    [InlineData("limit=abc", "invalid_limit")]
    [InlineData("limit=1e3", "invalid_limit")]
    [InlineData("limit=99999999999999999999", "invalid_limit")]
    [InlineData("offset=-1", "invalid_offset")]
    [InlineData("offset=x", "invalid_offset")]
    [InlineData("offset=99999999999999999999", "invalid_offset")]
    [InlineData("offset=1000000", "offset_too_large")]
    [InlineData("cursor=not-a-cursor!", "invalid_cursor")]
    [InlineData("cursor=eA", "invalid_cursor")]
    public async Task BadListingParametersAre400(string query, string code)
    {
        using var client = _server.ClientWith(KvServerFactory.TokenA);

        using var response = await client.GetAsync("/v1/keys?" + query);

        await RestAssert.ErrorAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task OffsetSkipsThatManyKeys()
    {
        using var client = await _server.NewNamespaceClientAsync();
        await PutAllAsync(client, ["a", "b", "c", "d", "e"]);

        using var response = await client.GetAsync("/v1/keys?offset=2&limit=2");
        var page = await RestAssert.JsonAsync(response, HttpStatusCode.OK);

        Assert.Equal(["c", "d"], page.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("key").GetString()));
        Assert.Equal(JsonValueKind.String, page.GetProperty("next_cursor").ValueKind);
        using var past = await client.GetAsync("/v1/keys?offset=10");
        Assert.Equal(0, (await RestAssert.JsonAsync(past, HttpStatusCode.OK)).GetProperty("keys").GetArrayLength());
    }

    [Fact]
    public async Task AnOffsetAboveTheBoundIs400AndPointsToTheCursor()
    {
        using var client = await _server.NewNamespaceClientAsync();
        await PutAllAsync(client, ["a", "b"]);

        using var tooFar = await client.GetAsync("/v1/keys?offset=1001");
        var error = await RestAssert.ErrorAsync(tooFar, HttpStatusCode.BadRequest, "offset_too_large");
        using var atBound = await client.GetAsync("/v1/keys?offset=1000");

        Assert.Contains("cursor", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await RestAssert.JsonAsync(atBound, HttpStatusCode.OK)).GetProperty("keys").GetArrayLength());
    }

    [Fact]
    public async Task ExpiredKeysAreNotListed()
    {
        using var client = await _server.NewNamespaceClientAsync();
        using var content = new StringContent("x");
        content.Headers.Add("X-TTL-Seconds", "1");
        (await client.PutAsync("/v1/kv/gone", content)).EnsureSuccessStatusCode();
        (await client.PutAsync("/v1/kv/kept", new StringContent("x"))).EnsureSuccessStatusCode();

        await Eventually.TrueAsync(async () => (await RestAssert.ListAllAsync(client)).SequenceEqual(["kept"]), TimeSpan.FromSeconds(5), "the expired key should leave the listing");
    }

    /// <summary>Writes the keys through the batch API, 1000 at a time.</summary>
    internal static async Task PutAllAsync(HttpClient client, IReadOnlyList<string> keys)
    {
        foreach (var chunk in keys.Chunk(1000))
        {
            var ops = chunk.Select(k => new Dictionary<string, object> { ["op"] = "put", ["key"] = k, ["value"] = "v:" + k });
            using var response = await client.PostAsync("/v1/batch", RestAssert.Json(JsonSerializer.Serialize(ops)));
            await RestAssert.JsonAsync(response, HttpStatusCode.OK);
        }
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
