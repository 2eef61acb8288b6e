using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace OrleansKv.Server.Auth;

/// <summary>A policy decided inside a handler, where what is needed depends on the request (a batch that writes).</summary>
internal static class PolicyChecks
{
    /// <summary>Null when <paramref name="user"/> satisfies <paramref name="policy"/>; else why not.</summary>
    public static async ValueTask<string?> DenialAsync(this IAuthorizationService authorization, ClaimsPrincipal user, string policy)
    {
        var result = await authorization.AuthorizeAsync(user, policy);
        return result.Succeeded
            ? null
            : result.Failure?.FailureReasons.FirstOrDefault()?.Message ?? "The credential lacks the scope this call needs.";
    }
}
