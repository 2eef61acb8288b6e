using OrleansKv.Runtime.Messaging.Protocol;

namespace OrleansKv.Runtime.Messaging;

/// <summary>Carries grain-call failures across the silo boundary: exception → <see cref="Failure"/> → exception.</summary>
internal static class SiloFailures
{
    public static Failure ToFailure(Exception exception) => exception switch
    {
        GrainRedirectException redirect => new Failure { Kind = Failure.Types.Kind.Redirect, Message = redirect.Message, Owner = redirect.Owner?.ToString() ?? string.Empty },
        ActivationDeactivatedException deactivated => new Failure { Kind = Failure.Types.Kind.Deactivated, Message = deactivated.Message },
        StaleActivationException stale => new Failure { Kind = Failure.Types.Kind.Stale, Message = stale.Message },
        WrongSiloException wrong => new Failure { Kind = Failure.Types.Kind.WrongSilo, Message = wrong.Message },
        NoActiveSilosException none => new Failure { Kind = Failure.Types.Kind.Redirect, Message = none.Message },
        RemoteGrainException remote => new Failure { Kind = Failure.Types.Kind.Remote, ExceptionType = remote.ExceptionType, Message = remote.Message },
        _ => new Failure { Kind = Failure.Types.Kind.Remote, ExceptionType = exception.GetType().FullName ?? exception.GetType().Name, Message = exception.Message },
    };

    public static Exception ToException(Failure failure, GrainId grainId, SiloAddress target) => failure.Kind switch
    {
        Failure.Types.Kind.Redirect => new GrainRedirectException(grainId, SiloAddress.TryParse(failure.Owner, out var owner) ? owner : null),
        Failure.Types.Kind.Deactivated => new ActivationDeactivatedException(grainId),
        Failure.Types.Kind.Stale => new StaleActivationException(grainId),
        Failure.Types.Kind.WrongSilo => new SiloUnavailableException(target),
        _ => Recreate(failure),
    };

    /// <summary>Argument errors come back as <see cref="ArgumentException"/>; anything else as <see cref="RemoteGrainException"/>.</summary>
    private static Exception Recreate(Failure failure) =>
        failure.ExceptionType is "System.ArgumentException" or "System.ArgumentNullException" or "System.ArgumentOutOfRangeException"
            ? new ArgumentException(failure.Message)
            : new RemoteGrainException(failure.ExceptionType, failure.Message);
}
