namespace OrleansKv.Grpc;

/// <summary>Which side's messages are being read; only changes the wording of errors.</summary>
public enum GrpcMessageDirection
{
    /// <summary>The server reads requests.</summary>
    Request,

    /// <summary>The client reads responses.</summary>
    Response,
}
