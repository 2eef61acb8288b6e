using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansKv.Server.Configuration;

namespace OrleansKv.Server.Auth;

/// <summary>
/// Registers ASP.NET Core authentication and authorization: the opaque-token handler and, when a JWT key is configured,
/// JwtBearer with the <see cref="KvAuthSchemes.Bearer"/> policy scheme choosing between them; the scope policies of <see cref="KvPolicies"/>;
/// and the answer to a refusal (<see cref="KvAuthorizationResultHandler"/>). REST routes and gRPC methods carry their
/// policy as endpoint metadata and the standard middleware enforces it; the TCP protocols ask the same policies
/// through <see cref="CredentialAuthenticator"/>.
/// </summary>
internal static class AuthServiceCollectionExtensions
{
    /// <summary>Loads the JWT keys now, so an unusable key stops start-up with one line (InvalidConfigurationException).</summary>
    public static IServiceCollection AddKvAuth(this IServiceCollection services, AuthOptions options)
    {
        var jwt = JwtSettings.FromOptions(options);
        services.AddSingleton<OpaqueTokenValidator>();
        services.AddSingleton<CredentialAuthenticator>();
        // Without JWT keys every credential is an opaque token and that scheme is the default itself; the policy scheme
        // (one more handler per request) exists only when there are two schemes to choose between.
        var authentication = services.AddAuthentication(jwt is null ? KvAuthSchemes.OpaqueToken : KvAuthSchemes.Bearer)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, OpaqueTokenAuthenticationHandler>(KvAuthSchemes.OpaqueToken, null);
        if (jwt is not null)
        {
            services.TryAddSingleton(jwt);
            authentication
                .AddPolicyScheme(KvAuthSchemes.Bearer, "Bearer token or JWT", o => o.ForwardDefaultSelector = context =>
                    BearerCredential.TryGet(context.Request, out var credential, out _) && OpaqueTokenValidator.LooksLikeJwt(credential.Span)
                        ? KvAuthSchemes.Jwt
                        : KvAuthSchemes.OpaqueToken)
                .AddJwtBearer(KvAuthSchemes.Jwt, o => JwtBearerSetup.Configure(o, jwt));
            if (jwt.SigningKey is not null)
            {
                services.TryAddSingleton<JwtTokenIssuer>();
            }
        }

        // A scope requirement is met only by a user an authentication handler signed in (it reads the KvIdentity), so it
        // implies an authenticated user; the policy evaluator still answers a missing or failed credential with a
        // challenge (401) and a missing scope with forbid (403).
        services.AddAuthorizationBuilder()
            .AddPolicy(KvPolicies.Read, p => p.AddRequirements(new ScopeRequirement(KvScopes.Read, needsNamespace: true)))
            .AddPolicy(KvPolicies.Write, p => p.AddRequirements(new ScopeRequirement(KvScopes.Write, needsNamespace: true)))
            .AddPolicy(KvPolicies.Admin, p => p.AddRequirements(new ScopeRequirement(KvScopes.Admin, needsNamespace: false)))
            .AddPolicy(KvPolicies.Authenticated, p => p.RequireAuthenticatedUser());
        services.AddSingleton<IAuthorizationHandler, ScopeAuthorizationHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, KvAuthorizationResultHandler>();
        return services;
    }
}
