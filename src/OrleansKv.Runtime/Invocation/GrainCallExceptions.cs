namespace OrleansKv.Runtime;

/// <summary>Base for the failures the runtime resolves itself by retrying the call elsewhere;
/// a caller sees one only when retries are exhausted.</summary>
public abstract class GrainRoutingException : Exception
{
    protected GrainRoutingException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>The activation that received the call is deactivating or gone.</summary>
public sealed class ActivationDeactivatedException : GrainRoutingException
{
    public ActivationDeactivatedException(GrainId grainId)
        : base($"The activation of {grainId} was deactivated.")
    {
        GrainId = grainId;
    }

    public GrainId GrainId { get; }
}

/// <summary>Another silo owns the grain; the call must go there.</summary>
public sealed class GrainRedirectException : GrainRoutingException
{
    public GrainRedirectException(GrainId grainId, SiloAddress? owner)
        : base($"{grainId} is owned by {owner?.ToString() ?? "another silo"}.")
    {
        GrainId = grainId;
        Owner = owner;
    }

    public GrainId GrainId { get; }

    /// <summary>The owner, when known.</summary>
    public SiloAddress? Owner { get; }
}

/// <summary>
/// The activation found that a newer activation owns its grain (its storage write was fenced);
/// it deactivates, and the call is retried at the current owner.
/// </summary>
public sealed class StaleActivationException : GrainRoutingException
{
    public StaleActivationException(GrainId grainId)
        : base($"The activation of {grainId} was superseded by a newer one.")
    {
        GrainId = grainId;
    }

    public GrainId GrainId { get; }
}

/// <summary>The target silo could not be reached before the request was delivered.</summary>
public sealed class SiloUnavailableException : GrainRoutingException
{
    public SiloUnavailableException(SiloAddress silo, Exception? innerException = null)
        : base($"Silo {silo} is unavailable.", innerException)
    {
        Silo = silo;
    }

    public SiloAddress Silo { get; }
}

/// <summary>
/// A grain call failed on a remote silo with an exception that is not a routing failure; carries the
/// remote exception's type name and message (never its stack).
/// </summary>
public sealed class RemoteGrainException : Exception
{
    public RemoteGrainException(string exceptionType, string message)
        : base(message)
    {
        ExceptionType = exceptionType;
    }

    /// <summary>The full type name of the exception thrown on the remote silo.</summary>
    public string ExceptionType { get; }
}
