using OrleansKv.Grains;
using OrleansKv.Grains.Storage;
using OrleansKv.Server.Hosting;

namespace OrleansKv.Tests.Rest;

/// <summary>How failures that escape a REST handler map to the error contract.</summary>
public sealed class ApiExceptionClassificationTests
{
    public static TheoryData<Exception> ClusterFailures => new()
    {
        new SiloUnavailableException(),
        new TimeoutException("Response did not arrive on time."),
        new NamespaceMovedException(),
        new NamespaceStoreException("redis gone"),
    };

    [Theory]
    [MemberData(nameof(ClusterFailures))]
    public void ACallTheClusterOrStorageCouldNotAnswerIsUnavailableNotInternal(Exception failure)
    {
        var (code, error, message) = ApiExceptionHandler.Classify(failure);

        Assert.Equal(503, code);
        Assert.Equal("unavailable", error);
        Assert.Contains("Retry", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnyOtherFailureStaysInternalAndShowsNoInternals()
    {
        var (code, _, message) = ApiExceptionHandler.Classify(new InvalidOperationException("secret detail"));

        Assert.Equal(500, code);
        Assert.DoesNotContain("secret", message, StringComparison.Ordinal);
    }
}
