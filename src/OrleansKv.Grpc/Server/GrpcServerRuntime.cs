using Microsoft.Extensions.Logging;

namespace OrleansKv.Grpc;

/// <summary>What every method handler of one mapped registry shares: its options and logger.</summary>
internal sealed record GrpcServerRuntime(GrpcServerOptions Options, ILogger Logger);
