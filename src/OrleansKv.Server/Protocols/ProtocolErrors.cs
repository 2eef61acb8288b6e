using OrleansKv.Server.Hosting;

namespace OrleansKv.Server.Protocols;

/// <summary>What a TCP protocol answers when a grain call fails: the same classification as REST and gRPC.</summary>
internal static class ProtocolErrors
{
    /// <summary>The one-line message for a failure the edge answers, or null for one it does not expect (a bug).</summary>
    public static string? Describe(Exception exception)
    {
        var (status, _, message) = ApiExceptionHandler.Classify(exception);
        return status == StatusCodes.Status500InternalServerError ? null : message;
    }
}
