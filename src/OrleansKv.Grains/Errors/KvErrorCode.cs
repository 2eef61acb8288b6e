namespace OrleansKv.Grains;

/// <summary>
/// Every machine code an OrleansKv error carries, over every protocol. On the wire a code is its snake_case name
/// (<see cref="KvErrorCodeNames.Name"/>): REST's <c>"code"</c>, gRPC's <c>kv-error-code</c> trailer. Each protocol maps
/// a code to its own status in one switch (REST status, gRPC status code, RESP prefix, text line).
/// </summary>
[GenerateSerializer, Alias("OrleansKv.KvErrorCode")]
public enum KvErrorCode
{
    /// <summary>An argument is wrong in a way no more specific code names.</summary>
    InvalidArgument,

    /// <summary>A key breaks the key rules (1–1024 bytes of UTF-8, no dot segments on REST).</summary>
    InvalidKey,

    /// <summary>A TTL is not a whole number of seconds from 1 to ten years.</summary>
    InvalidTtl,

    /// <summary>An If-Match / If-None-Match condition is malformed (not <c>*</c> and not an ETag this server issues).</summary>
    InvalidCondition,

    /// <summary>A content type is longer than 256 characters.</summary>
    InvalidContentType,

    /// <summary>A value is not in the encoding it claims (base64).</summary>
    InvalidValue,

    /// <summary>A batch operation is not put, get or delete.</summary>
    InvalidOp,

    /// <summary>A listing prefix is longer than a key may be.</summary>
    InvalidPrefix,

    /// <summary>A listing limit is out of range.</summary>
    InvalidLimit,

    /// <summary>A listing offset is not a whole number.</summary>
    InvalidOffset,

    /// <summary>A listing offset is larger than the server pages by offset.</summary>
    OffsetTooLarge,

    /// <summary>A listing cursor is not one this server issued.</summary>
    InvalidCursor,

    /// <summary>A namespace name breaks the naming rules.</summary>
    InvalidNamespace,

    /// <summary>A scope list is empty or names an unknown scope.</summary>
    InvalidScopes,

    /// <summary>Namespace limits that are out of range.</summary>
    InvalidLimits,

    /// <summary>A body is not the JSON the route expects.</summary>
    MalformedJson,

    /// <summary>A write carries no value.</summary>
    MissingValue,

    /// <summary>A batch holds no operations.</summary>
    EmptyBatch,

    /// <summary>A batch holds more operations than allowed.</summary>
    BatchTooLarge,

    /// <summary>The HTTP request itself is malformed.</summary>
    BadRequest,

    /// <summary>The key (or token) does not exist.</summary>
    NotFound,

    /// <summary>No such route.</summary>
    UnknownRoute,

    /// <summary>The route does not support the method.</summary>
    MethodNotAllowed,

    /// <summary>The request's content type is not supported here.</summary>
    UnsupportedMediaType,

    /// <summary>The value is binary, and the call answers text only.</summary>
    BinaryValue,

    /// <summary>An If-Match / If-None-Match condition does not hold; nothing changed.</summary>
    PreconditionFailed,

    /// <summary>A value is larger than the server or the namespace accepts.</summary>
    ValueTooLarge,

    /// <summary>A quota of the namespace (keys, bytes) is full.</summary>
    QuotaExceeded,

    /// <summary>The request rate limit is exceeded; retry later.</summary>
    RateLimited,

    /// <summary>The credential is missing or not valid.</summary>
    Unauthenticated,

    /// <summary>The credential is valid but lacks the scope or namespace.</summary>
    Forbidden,

    /// <summary>Storage or the cluster did not answer; the outcome of a write in flight is unknown.</summary>
    Unavailable,

    /// <summary>Token exchange needs JWT_SIGNING_KEY, which this server does not have.</summary>
    JwtDisabled,

    /// <summary>A failure the server did not expect; nothing of it is shown.</summary>
    Internal,
}
