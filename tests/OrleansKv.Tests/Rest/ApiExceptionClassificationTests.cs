using OrleansKv.Grpc;
using OrleansKv.Server.Hosting;

namespace OrleansKv.Tests.Rest;

/// <summary>How failures that escape a REST handler map to the error contract.</summary>
public sealed class ApiExceptionClassificationTests
{
    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.DeadlineExceeded)]
    public void AForwardedCallTheOwningSiloDroppedIsUnavailableNotInternal(StatusCode status)
    {
        var (code, error, message) = ApiExceptionHandler.Classify(new RpcException(status, "Error starting gRPC call.", new IOException("Connection reset by peer")));

        Assert.Equal(503, code);
        Assert.Equal("unavailable", error);
        Assert.Contains("Retry", message, StringComparison.Ordinal);
        Assert.DoesNotContain("gRPC", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnyOtherSiloToSiloFailureStaysInternal()
    {
        Assert.Equal(500, ApiExceptionHandler.Classify(new RpcException(StatusCode.Internal, "boom")).Status);
    }
}
