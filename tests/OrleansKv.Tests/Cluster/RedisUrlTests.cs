using OrleansKv.Server.Configuration;

namespace OrleansKv.Tests.Cluster;

public sealed class RedisUrlTests
{
    [Theory]
    [InlineData("redis:6379", "redis:6379,abortConnect=false")]
    [InlineData("10.0.0.5:6380,password=s3cret", "10.0.0.5:6380,password=s3cret,abortConnect=false")]
    [InlineData("redis://cache:6379", "cache:6379,abortConnect=false")]
    [InlineData("redis://:p%40ss@cache", "cache:6379,password=p@ss,abortConnect=false")]
    [InlineData("redis://default:pw@cache:7000/3", "cache:7000,password=pw,defaultDatabase=3,abortConnect=false")]
    [InlineData("rediss://cache:6380", "cache:6380,ssl=true,abortConnect=false")]
    [InlineData("host:1,abortConnect=true", "host:1,abortConnect=true")]
    [InlineData("127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002", "127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002,abortConnect=false")]
    [InlineData("sentinel-0:26379,sentinel-1:26379,serviceName=mymaster,password=pw", "sentinel-0:26379,sentinel-1:26379,serviceName=mymaster,password=pw,abortConnect=false")]
    [InlineData(" [::1]:6379 ", "[::1]:6379,abortConnect=false")]
    public void NormalizesUrlsAndConnectionStrings(string url, string expected)
    {
        Assert.True(RedisUrl.TryNormalize(url, out var configuration, out var problem), problem);
        Assert.Equal(expected, configuration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bad url with spaces")]
    [InlineData("redis://alice:pw@cache:6379")]
    [InlineData("redis://cache:6379/99")]
    [InlineData("password=x")]
    [InlineData("host:6379,serviceName=")]
    [InlineData("host:6379,,other:6379 x")]
    public void RefusesWhatItCannotUse(string url)
    {
        Assert.False(RedisUrl.TryNormalize(url, out _, out var problem));
        Assert.StartsWith("REDIS_URL", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("host:6379,password=hunter2-secret,bogus=hunter2-secret", "'bogus'")]
    [InlineData("host:6379,password=hunter2-secret,ssl=hunter2-secret", "'ssl'")]
    [InlineData("host:6379,password=hunter2-secret,connectTimeout=hunter2-secret", "'connectTimeout'")]
    public void ABadOptionIsNamedByItsKeywordAndNoValueIsQuoted(string url, string named)
    {
        Assert.False(RedisUrl.TryNormalize(url, out _, out var problem));
        Assert.Contains(named, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cache:6379,password=hunter2", "server=cache:6379 tls=off password=on")]
    [InlineData("127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002", "seeds=127.0.0.1:7000 127.0.0.1:7001 127.0.0.1:7002 tls=off password=off")]
    [InlineData("s0:26379,s1:26379,serviceName=mymaster,password=hunter2,ssl=true", "sentinel service=mymaster sentinels=s0:26379 s1:26379 tls=on password=on")]
    public void TheDescriptionNamesTheTopologyAndNeverThePassword(string url, string expected)
    {
        Assert.True(RedisUrl.TryNormalize(url, out var configuration, out var problem), problem);
        Assert.Equal(expected, RedisUrl.Describe(configuration));
    }
}
