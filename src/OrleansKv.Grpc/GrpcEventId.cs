namespace OrleansKv.Grpc;

/// <summary>Event ids of every log line this assembly writes (one enum, so ids never collide).</summary>
internal enum GrpcEventId
{
    HandlerFailed = 3001,
    HandlerStatus = 3002,
    DeadlineExceeded = 3003,
    CallCancelled = 3004,
    InvalidTimeout = 3005,
    StatusWriteFailed = 3006,
    UnsupportedRequest = 3007,
    UnimplementedMethod = 3008,
}
