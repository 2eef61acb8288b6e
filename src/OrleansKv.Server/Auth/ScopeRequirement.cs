using Microsoft.AspNetCore.Authorization;

namespace OrleansKv.Server.Auth;

/// <summary>A policy's requirement: the credential has <see cref="Scope"/>, and a namespace when <see cref="NeedsNamespace"/>.</summary>
public sealed class ScopeRequirement(KvScopes scope, bool needsNamespace) : IAuthorizationRequirement
{
    public KvScopes Scope { get; } = scope;

    public bool NeedsNamespace { get; } = needsNamespace;

    public bool IsMetBy(KvPrincipal principal) => principal.Scopes.HasFlag(Scope) && (!NeedsNamespace || principal.Namespace is not null);

    /// <summary>Why <paramref name="principal"/> does not meet it, in the words every protocol answers with.</summary>
    public string Denial(KvPrincipal principal) =>
        NeedsNamespace && principal.Namespace is null
            ? "The credential has no namespace; it cannot read or write keys."
            : $"The credential lacks the '{KvPrincipal.ScopeNames(Scope)[0]}' scope this call needs.";
}

/// <summary>Checks <see cref="ScopeRequirement"/> against the <see cref="KvPrincipal"/> the user was signed in with.</summary>
internal sealed class ScopeAuthorizationHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (KvPrincipal.From(context.User) is { } principal)
        {
            if (requirement.IsMetBy(principal))
            {
                context.Succeed(requirement);
            }
            else
            {
                context.Fail(new AuthorizationFailureReason(this, requirement.Denial(principal)));
            }
        }

        return Task.CompletedTask;
    }
}
