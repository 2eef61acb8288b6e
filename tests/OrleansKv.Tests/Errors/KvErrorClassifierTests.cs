using OrleansKv.Grains;
using OrleansKv.Grains.Storage;
using OrleansKv.Server.Errors;
using OrleansKv.Server.Limits;

namespace OrleansKv.Tests.Errors;

/// <summary>How exceptions become errors, once, for every protocol.</summary>
public sealed class KvErrorClassifierTests
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
        var error = KvErrorClassifier.Classify(failure);

        Assert.Equal(KvErrorCode.Unavailable, error?.Code);
        Assert.Contains("Retry", error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("redis gone", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(QuotaKind.Keys, KvErrorCode.QuotaExceeded)]
    [InlineData(QuotaKind.Bytes, KvErrorCode.QuotaExceeded)]
    [InlineData(QuotaKind.ValueSize, KvErrorCode.ValueTooLarge)]
    public void AQuotaRefusalCarriesItsCodeAndMessage(QuotaKind kind, KvErrorCode code) =>
        Assert.Equal(new KvError(code, "max_keys is 5."), KvErrorClassifier.Classify(new NamespaceQuotaException(kind, "max_keys is 5.")));

    [Fact]
    public void ADomainErrorIsTakenAsItIs() =>
        Assert.Equal(new KvError(KvErrorCode.InvalidKey, "bad"), KvErrorClassifier.Classify(new KvErrorException(KvErrorCode.InvalidKey, "bad")));

    [Fact]
    public void ARateLimitIsRateLimited() =>
        Assert.Equal(KvErrorCode.RateLimited, KvErrorClassifier.Classify(new RateLimitedException(TimeSpan.FromMilliseconds(300)))?.Code);

    [Fact]
    public void AnArgumentExceptionIsInvalidArgumentWithoutTheParameterName()
    {
        var error = KvErrorClassifier.Classify(new ArgumentException("The key is empty.", "key"));

        Assert.Equal(new KvError(KvErrorCode.InvalidArgument, "The key is empty."), error);
    }

    [Fact]
    public void CancellationIsNoError() => Assert.Null(KvErrorClassifier.Classify(new OperationCanceledException()));

    [Fact]
    public void AnyOtherFailureStaysInternalAndShowsNoInternals()
    {
        var error = KvErrorClassifier.Classify(new InvalidOperationException("secret detail"));

        Assert.Equal(KvErrorCode.Internal, error?.Code);
        Assert.DoesNotContain("secret", error!.Message, StringComparison.Ordinal);
    }
}
