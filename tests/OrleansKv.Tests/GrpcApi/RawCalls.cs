using Grpc.Core;

namespace OrleansKv.Tests.GrpcApi;

/// <summary>Helpers for raw gRPC calls (requests the typed client would never send).</summary>
internal static class RawCalls
{
    public static CallOptions Options(string? token, TimeSpan? timeout = null) =>
        new(token is null ? null : new Metadata { { "authorization", "Bearer " + token } }, DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30)));
}
