using OrleansKv.TestingHost;

namespace OrleansKv.Tests.Infrastructure;

/// <summary>The tests' name for the TestingHost's real redis-server process.</summary>
public static class RedisServer
{
    public static Task<RedisServerProcess> StartAsync(bool persistent = false) => RedisServerProcess.StartAsync(persistent);
}
