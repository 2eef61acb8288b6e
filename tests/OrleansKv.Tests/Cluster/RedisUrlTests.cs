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
    public void RefusesWhatItCannotUse(string url)
    {
        Assert.False(RedisUrl.TryNormalize(url, out _, out var problem));
        Assert.StartsWith("REDIS_URL", problem, StringComparison.Ordinal);
    }
}
