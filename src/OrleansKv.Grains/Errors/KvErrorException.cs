namespace OrleansKv.Grains;

/// <summary>
/// A refusal with its <see cref="KvError"/>: thrown by validation and by the grain, and answered by each protocol
/// through its one map. Orleans carries it across grain calls and silos with its code (and its message).
/// </summary>
[GenerateSerializer, Alias("OrleansKv.KvErrorException")]
public class KvErrorException : Exception
{
    public KvErrorException()
        : this(KvErrorCode.Internal, "An internal error occurred.")
    {
    }

    public KvErrorException(string message)
        : this(KvErrorCode.InvalidArgument, message)
    {
    }

    public KvErrorException(string message, Exception innerException)
        : this(KvErrorCode.InvalidArgument, message, innerException)
    {
    }

    public KvErrorException(KvErrorCode code, string message, Exception innerException)
        : base(message, innerException) => Code = code;

    public KvErrorException(KvErrorCode code, string message)
        : base(message) => Code = code;

    /// <summary>The machine code.</summary>
    [Id(0)]
    public KvErrorCode Code { get; private set; }

    /// <summary>The code and the message, as the protocols answer them.</summary>
    public KvError Error => new(Code, Message);
}
