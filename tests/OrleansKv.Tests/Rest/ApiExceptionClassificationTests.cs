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

    [Theory]
    [InlineData(QuotaKind.Keys, 507, "quota_exceeded")]
    [InlineData(QuotaKind.Bytes, 507, "quota_exceeded")]
    [InlineData(QuotaKind.ValueSize, 413, "value_too_large")]
    public void AQuotaRefusalMapsToItsStatusAndCodeWithItsMessage(QuotaKind kind, int status, string code)
    {
        var (actualStatus, actualCode, message) = ApiExceptionHandler.Classify(new NamespaceQuotaException(kind, "max_keys is 5."));

        Assert.Equal(status, actualStatus);
        Assert.Equal(code, actualCode);
        Assert.Equal("max_keys is 5.", message);
    }

    [Fact]
    public void AnyOtherFailureStaysInternalAndShowsNoInternals()
    {
        var (code, _, message) = ApiExceptionHandler.Classify(new InvalidOperationException("secret detail"));

        Assert.Equal(500, code);
        Assert.DoesNotContain("secret", message, StringComparison.Ordinal);
    }
}
