using System.Globalization;

namespace OrleansKv.Tests.Linearizability;

/// <summary>What a client asked of one key.</summary>
public enum OpKind
{
    /// <summary>GET: the current value (with its ETag over /v1) or 404.</summary>
    Read,

    /// <summary>Unconditional PUT (or root POST).</summary>
    Put,

    /// <summary>PUT with <c>If-Match: "&lt;etag&gt;"</c>: only over that version.</summary>
    PutIfMatch,

    /// <summary>PUT with <c>If-None-Match: *</c>: only when absent.</summary>
    PutIfNoneMatch,

    /// <summary>Unconditional DELETE (v1: 204 or 404; root: 200 always).</summary>
    Delete,

    /// <summary>DELETE with <c>If-Match: "&lt;etag&gt;"</c>.</summary>
    DeleteIfMatch,
}

/// <summary>How an operation ended.</summary>
public enum OutcomeKind
{
    /// <summary>It took effect (a write) or observed a state (a read).</summary>
    Ok,

    /// <summary>A definite "did not apply" (412, or 404 on a delete): it observed a state and changed nothing.</summary>
    Failed,

    /// <summary>An error, 5xx, timeout or broken connection: it may or may not have taken effect.</summary>
    Unknown,
}

/// <summary>
/// The answer to one operation. Reads carry the value (null = absent) and, over /v1, its ETag; writes carry the
/// created bit and ETag when the protocol gives them; deletes whether the key existed (204) or not known (root).
/// </summary>
public sealed record Outcome(OutcomeKind Kind, int Status, string? Value = null, string? ETag = null, bool? Created = null, bool? Existed = null, string? Detail = null)
{
    public static Outcome Found(string value, string? etag = null, int status = 200) => new(OutcomeKind.Ok, status, value, etag);

    public static Outcome Absent() => new(OutcomeKind.Ok, 404);

    /// <summary>A write that applied: <paramref name="created"/> is true for 201, false for 200, null when the protocol does not say.</summary>
    public static Outcome Written(bool? created, string? etag = null, int status = 0) =>
        new(OutcomeKind.Ok, status != 0 ? status : created == true ? 201 : 200, ETag: etag, Created: created);

    /// <summary>A delete that applied: <paramref name="existed"/> is true for 204, null for root DELETE's idempotent 200.</summary>
    public static Outcome Deleted(bool? existed = true) => new(OutcomeKind.Ok, existed == true ? 204 : 200, Existed: existed);

    public static Outcome PreconditionFailed() => new(OutcomeKind.Failed, 412);

    /// <summary>A delete answered 404: the key was absent.</summary>
    public static Outcome NotFound() => new(OutcomeKind.Failed, 404);

    public static Outcome Unknown(string detail, int status = 0) => new(OutcomeKind.Unknown, status, Detail: detail);

    public override string ToString()
    {
        var text = Kind switch
        {
            OutcomeKind.Unknown => Status == 0 ? "unknown" : string.Create(CultureInfo.InvariantCulture, $"unknown {Status}"),
            _ => Status.ToString(CultureInfo.InvariantCulture),
        };
        if (Value is not null)
        {
            text += $" value={Value}";
        }

        if (ETag is not null)
        {
            text += $" etag={ETag}";
        }

        if (Detail is not null)
        {
            text += $" ({Detail})";
        }

        return text;
    }
}

/// <summary>
/// One operation of a history. Times are nanoseconds from the start of the recording; an operation whose outcome is
/// unknown completes at <see cref="Infinity"/>. Every write writes a value unique in the whole history.
/// </summary>
/// <param name="Id">Position in the history (unique).</param>
/// <param name="Client">The client that issued it (clients issue one operation at a time).</param>
/// <param name="Key">The key it touched.</param>
/// <param name="Kind">What it asked.</param>
/// <param name="Value">The value a write wrote.</param>
/// <param name="IfMatch">The ETag a conditional operation named.</param>
/// <param name="Invoke">When the request started.</param>
/// <param name="Complete">When the answer arrived; <see cref="Infinity"/> when unknown.</param>
/// <param name="Outcome">The answer.</param>
/// <param name="Route">How it was sent (<c>v1</c>, <c>root</c>), for reports.</param>
public sealed record Operation(int Id, int Client, string Key, OpKind Kind, string? Value, string? IfMatch, long Invoke, long Complete, Outcome Outcome, string Route = "v1")
{
    public const long Infinity = long.MaxValue;

    public bool IsWrite => Kind != OpKind.Read;

    public bool IsUnknown => Outcome.Kind == OutcomeKind.Unknown;

    /// <summary>The same operation with its outcome forgotten: it may or may not have applied.</summary>
    public Operation AsUnknown() => IsUnknown ? this : this with { Complete = Infinity, Outcome = Outcome.Unknown("outcome ignored") };

    /// <summary>True when the two operations' intervals overlap (both may be in flight at one instant).</summary>
    public bool Overlaps(Operation other) => Invoke <= other.Complete && other.Invoke <= Complete;

    /// <summary>What the operation asked, as a report shows it.</summary>
    public string Describe() => Kind switch
    {
        OpKind.Read => $"GET({Route})",
        OpKind.Put => $"PUT({Route}) {Value}",
        OpKind.PutIfMatch => $"PUT If-Match {IfMatch} {Value}",
        OpKind.PutIfNoneMatch => $"PUT If-None-Match * {Value}",
        OpKind.Delete => $"DELETE({Route})",
        OpKind.DeleteIfMatch => $"DELETE If-Match {IfMatch}",
        _ => Kind.ToString(),
    };
}
