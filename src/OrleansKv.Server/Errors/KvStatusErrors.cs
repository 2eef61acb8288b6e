using OrleansKv.Grains;

namespace OrleansKv.Server.Errors;

/// <summary>The error a grain's status result stands for, the same on every protocol.</summary>
internal static class KvStatusErrors
{
    public static readonly KvError NotFound = new(KvErrorCode.NotFound, "The key does not exist.");

    public static readonly KvError PreconditionFailed = new(KvErrorCode.PreconditionFailed, "The If-Match / If-None-Match condition does not hold.");

    /// <summary>Null for success (<see cref="KvStatus.Ok"/>, <see cref="KvStatus.Created"/>).</summary>
    public static KvError? Of(KvStatus status) => status switch
    {
        KvStatus.Ok or KvStatus.Created => null,
        KvStatus.NotFound => NotFound,
        KvStatus.PreconditionFailed => PreconditionFailed,
        _ => new(KvErrorCode.PreconditionFailed, "Another operation of the batch failed; this one was not applied."),
    };
}
