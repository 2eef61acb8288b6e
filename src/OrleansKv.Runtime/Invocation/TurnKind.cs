namespace OrleansKv.Runtime;

/// <summary>How a grain request is scheduled relative to the other requests of its activation.</summary>
public enum TurnKind
{
    /// <summary>The default: runs alone; no other turn of the activation runs until it ends
    /// (at completion, or earlier when the grain calls <see cref="Grain.EndTurn"/>).</summary>
    Exclusive,

    /// <summary>May run together with other read-only turns, never with an exclusive one
    /// (Orleans' <c>[ReadOnly]</c>).</summary>
    ReadOnly,

    /// <summary>Runs at any time, concurrently with any turn (Orleans' <c>[AlwaysInterleave]</c>).
    /// The grain method must be thread-safe.</summary>
    Interleave,
}
