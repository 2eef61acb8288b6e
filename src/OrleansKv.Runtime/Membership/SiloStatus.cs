namespace OrleansKv.Runtime;

/// <summary>The life cycle of a silo in the membership table, as in Orleans.</summary>
public enum SiloStatus
{
    /// <summary>No entry.</summary>
    None = 0,

    /// <summary>Starting; not yet taking activations.</summary>
    Joining = 1,

    /// <summary>Serving; grains may be placed on it.</summary>
    Active = 2,

    /// <summary>Leaving gracefully; no new activations, existing ones are being deactivated.</summary>
    ShuttingDown = 3,

    /// <summary>Stopped, or declared dead by the others. A dead silo never comes back under the same generation.</summary>
    Dead = 4,
}
