namespace OrleansKv.Runtime.Activations;

/// <summary>The life cycle of one activation.</summary>
internal enum ActivationState
{
    /// <summary>Registering in the directory and running <see cref="Grain.OnActivateAsync"/>.</summary>
    Activating,

    /// <summary>Serving calls.</summary>
    Valid,

    /// <summary>Draining turns and running <see cref="Grain.OnDeactivateAsync"/>; new calls are redirected.</summary>
    Deactivating,

    /// <summary>Gone; kept only by callers that still hold a reference.</summary>
    Invalid,
}
