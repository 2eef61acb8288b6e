using System.Text;
using Microsoft.Data.Sqlite;
using OrleansKv.Grains;
using OrleansKv.Grains.Storage.Sqlite;
using OrleansKv.Tests.Infrastructure;

namespace OrleansKv.Tests.Grains;

/// <summary>Reference counts of deduplicated contents stay exact under concurrent writers of the same contents.</summary>
public sealed class ContentReferenceTests
{
    private static readonly string[] Contents =
        ["alpha", "beta", new string('c', 2048), new string('d', 5000), "e", Encoding.UTF8.GetString(new byte[700].Select((_, i) => (byte)('a' + (i % 26))).ToArray())];

    [Fact]
    public async Task ConcurrentPutsDeletesBatchesAndExpiriesOfSharedContentsLeaveExactReferenceCounts()
    {
        await using var silo = await TestSilo.StartAsync(configureNamespaces: o => o.MaxSweepInterval = TimeSpan.FromMilliseconds(100));
        var name = "refs-" + Guid.NewGuid().ToString("N")[..8];
        var ns = silo.Namespace(name);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            for (var n = 0; n < 150; n++)
            {
                var key = $"k{random.Next(40)}";
                var content = Encoding.UTF8.GetBytes(Contents[random.Next(Contents.Length)]);
                switch (random.Next(10))
                {
                    case < 5:
                        await ns.SetAsync(new SetCommand(key, content));
                        break;
                    case < 7:
                        await ns.DeleteAsync(key);
                        break;
                    case < 9:
                        await ns.BatchAsync(
                        [
                            new BatchOperation(BatchOpKind.Put, key, content),
                            new BatchOperation(BatchOpKind.Put, $"k{random.Next(40)}", Encoding.UTF8.GetBytes(Contents[random.Next(Contents.Length)])),
                            new BatchOperation(BatchOpKind.Delete, $"k{random.Next(40)}"),
                        ]);
                        break;
                    default:
                        await ns.SetAsync(new SetCommand(key, content, Ttl: TimeSpan.FromMilliseconds(300)));
                        break;
                }
            }
        })));

        // Expired keys are swept by the grain's timer; then the store must agree with a recount from the entries.
        var store = (SqliteNamespaceStore)silo.Store;
        Assert.True(await TestSilo.EventuallyAsync(async () => await store.NextExpiryAsync(name, CancellationToken.None) is null), "the TTL keys should be swept");
        var integrity = await store.RunOnWriterAsync(c => Check(c, name));
        Assert.Equal(string.Empty, integrity);
        var stats = await ns.GetStatsAsync();
        var objects = await store.RunOnWriterAsync(c => Scalar(c, "SELECT count(*) FROM objects o JOIN namespaces n ON n.id = o.ns_id WHERE n.name = $ns", name));
        Assert.Equal(objects, stats.Objects);
        Assert.InRange(stats.Objects, 0, Contents.Length);
    }

    /// <summary>Every way the objects, the entries and the namespace's counts could disagree, as text (empty: none).</summary>
    internal static string Check(SqliteConnection connection, string? ns = null)
    {
        var filter = ns is null ? string.Empty : " AND n.name = $ns";
        var problems = new StringBuilder();
        void Expect(string what, string sql)
        {
            var count = Scalar(connection, sql, ns);
            if (count != 0)
            {
                problems.Append(what).Append(": ").Append(count).Append('\n');
            }
        }

        Expect("objects whose refs differ from the entries pointing at them", $"""
            SELECT count(*) FROM objects o JOIN namespaces n ON n.id = o.ns_id
            WHERE o.refs <> (SELECT count(*) FROM entries e WHERE e.value_id = o.id){filter}
            """);
        Expect("orphan objects", $"""
            SELECT count(*) FROM objects o JOIN namespaces n ON n.id = o.ns_id
            WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.value_id = o.id){filter}
            """);
        Expect("entries pointing at a missing or foreign object", $"""
            SELECT count(*) FROM entries e JOIN namespaces n ON n.id = e.ns_id
            WHERE NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = e.value_id AND o.ns_id = e.ns_id AND o.sha256 = e.sha256){filter}
            """);
        Expect("namespaces whose object count or stored bytes are off", $"""
            SELECT count(*) FROM namespaces n
            WHERE (n.object_count <> (SELECT count(*) FROM objects o WHERE o.ns_id = n.id)
               OR n.stored_bytes <> (SELECT coalesce(sum(o.stored_size), 0) FROM objects o WHERE o.ns_id = n.id)
               OR n.key_count <> (SELECT count(*) FROM entries e WHERE e.ns_id = n.id)){filter}
            """);
        return problems.ToString();
    }

    private static long Scalar(SqliteConnection connection, string sql, string? ns)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (ns is not null)
        {
            command.Parameters.AddWithValue("$ns", ns);
        }

        return (long)command.ExecuteScalar()!;
    }
}
