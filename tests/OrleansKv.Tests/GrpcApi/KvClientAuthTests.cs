using OrleansKv.Client;

namespace OrleansKv.Tests.GrpcApi;

/// <summary>UNAUTHENTICATED and PERMISSION_DENIED for every method that needs a credential.</summary>
[Collection(KvServerCollection.Name)]
public sealed class KvClientAuthTests(KvServerFixture fixture)
{
    public static TheoryData<string> Calls => ["get", "set", "delete", "list", "batch-get", "batch-put"];

    private static Task Call(KvClient client, string call) => call switch
    {
        "get" => client.GetAsync("auth/k"),
        "set" => client.SetAsync("auth/k", "v"),
        "delete" => client.DeleteAsync("auth/k"),
        "list" => client.ListAsync("auth/").ToListAsync().AsTask(),
        "batch-get" => client.BatchAsync([KvBatchOperation.Get("auth/k")]),
        "batch-put" => client.BatchAsync([KvBatchOperation.Get("auth/k"), KvBatchOperation.Put("auth/k", "v")]),
        _ => throw new ArgumentOutOfRangeException(nameof(call)),
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task NoCredentialIsUnauthenticated(string call)
    {
        await using var client = fixture.Host.CreateClient(token: null);

        var ex = await Assert.ThrowsAsync<KvUnauthenticatedException>(() => Call(client, call));

        Assert.Contains("bearer", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task AnUnknownTokenIsUnauthenticated(string call)
    {
        await using var client = fixture.Client("not-a-real-token-" + Guid.NewGuid());

        await Assert.ThrowsAsync<KvUnauthenticatedException>(() => Call(client, call));
    }

    [Theory]
    [InlineData("set")]
    [InlineData("delete")]
    [InlineData("batch-put")]
    public async Task AReadOnlyTokenCannotWrite(string call)
    {
        await using var client = fixture.Client(fixture.ReadOnlyToken);

        var ex = await Assert.ThrowsAsync<KvPermissionDeniedException>(() => Call(client, call));

        Assert.Contains("write", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("get")]
    [InlineData("list")]
    [InlineData("batch-get")]
    public async Task AReadOnlyTokenCanRead(string call)
    {
        await using var client = fixture.Client(fixture.ReadOnlyToken);

        try
        {
            await Call(client, call);
        }
        catch (KvNotFoundException)
        {
            // Allowed in: the key just does not exist.
        }
    }

    [Theory]
    [InlineData("get")]
    [InlineData("list")]
    [InlineData("batch-put")]
    public async Task AWriteOnlyTokenCannotRead(string call)
    {
        await using var client = fixture.Client(fixture.WriteOnlyToken);

        await Assert.ThrowsAsync<KvPermissionDeniedException>(() => Call(client, call));
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task TheAdminCredentialHasNoNamespace(string call)
    {
        await using var client = fixture.Client(fixture.AdminToken);

        var ex = await Assert.ThrowsAsync<KvPermissionDeniedException>(() => Call(client, call));

        Assert.Contains("namespace", ex.Message, StringComparison.Ordinal);
    }
}
