using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansKv.Runtime;
using OrleansKv.Runtime.Redis;
using StackExchange.Redis;

namespace OrleansKv.Tests.Providers;

/// <summary>
/// The three Redis providers over one connection, for a fresh cluster id, built the way the hosting extension
/// builds them. Also a raw async view of the keys they wrote (SCAN, TYPE, HGETALL), for layout tests.
/// </summary>
internal sealed class RedisProviders : IAsyncDisposable
{
    private RedisProviders(string configurationString, string clusterId, TimeSpan operationTimeout)
    {
        ClusterId = clusterId;
        Options = new RedisClusteringOptions { ConfigurationString = configurationString, OperationTimeout = operationTimeout };
        Connection = new RedisConnection(Microsoft.Extensions.Options.Options.Create(Options), NullLogger<RedisConnection>.Instance);
        Keys = new RedisKeys(Options.KeyPrefix, clusterId);
        Membership = new RedisMembershipTable(Connection, Keys, NullLogger<RedisMembershipTable>.Instance);
        Directory = new RedisGrainDirectory(Connection, Keys);
        Reminders = new RedisReminderTable(Connection, Keys, NullLogger<RedisReminderTable>.Instance);
    }

    public string ClusterId { get; }

    public RedisClusteringOptions Options { get; }

    public RedisConnection Connection { get; }

    public RedisKeys Keys { get; }

    public RedisMembershipTable Membership { get; }

    public RedisGrainDirectory Directory { get; }

    public RedisReminderTable Reminders { get; }

    public static RedisProviders Create(string configurationString, TimeSpan? operationTimeout = null, string? clusterId = null) =>
        new(configurationString, clusterId ?? NewClusterId(), operationTimeout ?? TimeSpan.FromSeconds(5));

    public static string NewClusterId() => "test-" + Guid.NewGuid().ToString("N")[..12];

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    /// <summary>Every key matching <paramref name="pattern"/>, by SCAN (async), sorted.</summary>
    public Task<List<string>> ScanAsync(string pattern) =>
        Connection.RunAsync("test scan", async db =>
        {
            var keys = new List<string>();
            var cursor = "0";
            do
            {
                var reply = (RedisResult[])(await db.ExecuteAsync("SCAN", cursor, "MATCH", pattern, "COUNT", 1000))!;
                cursor = (string)reply[0]!;
                keys.AddRange(((RedisValue[])reply[1]!).Select(k => (string)k!));
            }
            while (cursor != "0");
            keys.Sort(StringComparer.Ordinal);
            return keys;
        }, CancellationToken.None);

    public Task<string> TypeAsync(string key) =>
        Connection.RunAsync("test type", async db => (await db.KeyTypeAsync(key)).ToString().ToLowerInvariant(), CancellationToken.None);

    public Task<Dictionary<string, string>> HashAsync(string key) =>
        Connection.RunAsync("test hgetall", async db => (await db.HashGetAllAsync(key)).ToDictionary(e => (string)e.Name!, e => (string)e.Value!), CancellationToken.None);

    public Task<string?> StringAsync(string key) =>
        Connection.RunAsync("test get", async db => (string?)await db.StringGetAsync(key), CancellationToken.None);

    public Task ExecuteAsync(string command, params object[] args) =>
        Connection.RunAsync("test " + command, db => db.ExecuteAsync(command, args), CancellationToken.None);
}
