using System.Text;
using OrleansKv.Grains.Storage;
using OrleansKv.Grains.Storage.Redis;
using StackExchange.Redis;

namespace OrleansKv.Tests.Storage.Redis;

/// <summary>Helpers of the Redis-only scenarios: sessions on other stores, and looking at Redis directly.</summary>
public sealed partial class RedisNamespaceStoreTests
{
    private const long Hour = 3_600_000;

    private static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static string Decode(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>Claims <paramref name="ns"/> (a new namespace when null) on a store other than <see cref="NamespaceStoreContractTests.Store"/>.</summary>
    private static async Task<Session> OpenOn(RedisNamespaceStore store, string? ns = null)
    {
        ns ??= NewNamespace();
        var snapshot = await store.ClaimAsync(ns, default).AsTask().WaitAsync(CallTimeout);
        return new Session(store, ns, snapshot.Epoch, snapshot.Revision);
    }

    /// <summary>Every key matching <paramref name="pattern"/>, by SCAN.</summary>
    private static async Task<List<byte[]>> ScanAsync(IDatabase database, string pattern)
    {
        var keys = new List<byte[]>();
        var cursor = "0";
        do
        {
            var reply = (RedisResult[])(await database.ExecuteAsync("SCAN", cursor, "MATCH", pattern, "COUNT", 1000))!;
            cursor = (string)reply[0]!;
            keys.AddRange(((RedisResult[])reply[1]!).Select(k => (byte[])k!));
        }
        while (cursor != "0");

        return keys;
    }

    /// <summary>Every Redis key of one namespace of this test with its DUMP (value, not TTL) and whether it has a TTL.</summary>
    private async Task<SortedDictionary<string, (string Dump, bool HasTtl)>> SnapshotNamespaceAsync(string ns)
    {
        var snapshot = new SortedDictionary<string, (string, bool)>(StringComparer.Ordinal);
        foreach (var key in await ScanAsync(Admin, $"{_prefix}{{{ns}}}*"))
        {
            var dump = await Admin.KeyDumpAsync(key);
            var ttl = await Admin.KeyTimeToLiveAsync(key);
            snapshot[Decode(key)] = (Convert.ToHexString(dump!), ttl is not null);
        }

        return snapshot;
    }

    private Task<bool> ExistsAsync(string ns, string key) => Admin.KeyExistsAsync(Redis.KeysOf(ns).Entry(Bytes(key)));

    private async Task<long> MetaAsync(string ns, string field) => (long)await Admin.HashGetAsync(Redis.KeysOf(ns).Meta, field);
}
