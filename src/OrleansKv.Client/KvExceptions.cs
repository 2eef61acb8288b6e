namespace OrleansKv.Client;

/// <summary>Why a call failed: the gRPC status the server (or the client's own checks) ended it with.</summary>
public enum KvStatusCode
{
    Ok = 0,
    Cancelled = 1,
    Unknown = 2,
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    NotFound = 5,
    AlreadyExists = 6,
    PermissionDenied = 7,
    ResourceExhausted = 8,
    FailedPrecondition = 9,
    Aborted = 10,
    OutOfRange = 11,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    DataLoss = 15,
    Unauthenticated = 16,
}

/// <summary>
/// A call to OrleansKv failed. Catch a subclass for the outcomes a program handles (not found, a failed condition,
/// credentials, unavailability) or this class with <see cref="Status"/> for the rest. Cancellation through the
/// caller's own token is an <see cref="OperationCanceledException"/> instead, as usual in .NET.
/// </summary>
public class KvException : Exception
{
    public KvException()
        : this(KvStatusCode.Unknown, "The call failed.")
    {
    }

    public KvException(string message)
        : this(KvStatusCode.Unknown, message)
    {
    }

    public KvException(string message, Exception innerException)
        : this(KvStatusCode.Unknown, message, innerException)
    {
    }

    public KvException(KvStatusCode status, string message, Exception? innerException = null)
        : base(message, innerException) => Status = status;

    /// <summary>The gRPC status of the failed call.</summary>
    public KvStatusCode Status { get; }
}

/// <summary>NOT_FOUND: the key does not exist (or has expired).</summary>
public sealed class KvNotFoundException(string message, Exception? innerException = null)
    : KvException(KvStatusCode.NotFound, message, innerException);

/// <summary>FAILED_PRECONDITION: an if_match / if_none_match condition did not hold; nothing changed.</summary>
public sealed class KvPreconditionFailedException(string message, Exception? innerException = null)
    : KvException(KvStatusCode.FailedPrecondition, message, innerException);

/// <summary>UNAUTHENTICATED: the credential is missing, unknown, revoked, expired or malformed.</summary>
public sealed class KvUnauthenticatedException(string message, Exception? innerException = null)
    : KvException(KvStatusCode.Unauthenticated, message, innerException);

/// <summary>PERMISSION_DENIED: the credential is valid but lacks the scope (read, write) the call needs.</summary>
public sealed class KvPermissionDeniedException(string message, Exception? innerException = null)
    : KvException(KvStatusCode.PermissionDenied, message, innerException);

/// <summary>INVALID_ARGUMENT: a bad key, a value above MAX_VALUE_BYTES, a bad TTL or ETag; nothing changed.</summary>
public sealed class KvInvalidArgumentException(string message, Exception? innerException = null)
    : KvException(KvStatusCode.InvalidArgument, message, innerException);

/// <summary>RESOURCE_EXHAUSTED: the message is larger than the server (or this client) accepts.</summary>
public sealed class KvResourceExhaustedException(string message, Exception? innerException = null)
    : KvException(KvStatusCode.ResourceExhausted, message, innerException);

/// <summary>DEADLINE_EXCEEDED: the call's deadline passed; a write may or may not have happened.</summary>
public sealed class KvDeadlineExceededException(string message, Exception? innerException = null)
    : KvException(KvStatusCode.DeadlineExceeded, message, innerException);

/// <summary>UNAVAILABLE: the server, its storage or the cluster cannot answer now; retrying may succeed.</summary>
public sealed class KvUnavailableException(string message, Exception? innerException = null)
    : KvException(KvStatusCode.Unavailable, message, innerException);
