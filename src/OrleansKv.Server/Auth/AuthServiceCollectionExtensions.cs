using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansKv.Server.Configuration;

namespace OrleansKv.Server.Auth;

/// <summary>
/// Registers ASP.NET Core authentication and authorization: the <see cref="KvAuthSchemes.Bearer"/> policy scheme over
/// the opaque-token handler and, when a JWT key is configured, JwtBearer; the scope policies of <see cref="KvPolicies"/>;
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
        var authentication = services
            .AddAuthentication(KvAuthSchemes.Bearer)
            .AddPolicyScheme(KvAuthSchemes.Bearer, "Bearer token or JWT", o => o.ForwardDefaultSelector = context =>
                jwt is not null && BearerCredential.TryGet(context.Request, out var credential, out _) && OpaqueTokenValidator.LooksLikeJwt(credential.Span)
                    ? KvAuthSchemes.Jwt
                    : KvAuthSchemes.OpaqueToken)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, OpaqueTokenAuthenticationHandler>(KvAuthSchemes.OpaqueToken, null);
        if (jwt is not null)
        {
            services.TryAddSingleton(jwt);
            authentication.AddJwtBearer(KvAuthSchemes.Jwt, o => JwtBearerSetup.Configure(o, jwt));
            if (jwt.SigningKey is not null)
            {
                services.TryAddSingleton<JwtTokenIssuer>();
            }
        }

        services.AddAuthorizationBuilder()
            .AddPolicy(KvPolicies.Read, p => p.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(KvScopes.Read, needsNamespace: true)))
            .AddPolicy(KvPolicies.Write, p => p.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(KvScopes.Write, needsNamespace: true)))
            .AddPolicy(KvPolicies.Admin, p => p.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(KvScopes.Admin, needsNamespace: false)))
            .AddPolicy(KvPolicies.Authenticated, p => p.RequireAuthenticatedUser());
        services.AddSingleton<IAuthorizationHandler, ScopeAuthorizationHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, KvAuthorizationResultHandler>();
        return services;
    }
}
