using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansKv.Server.Configuration;

namespace OrleansKv.Server.Auth;

/// <summary>
/// Registers JWT validation (and issuing, with an HS256 key) only when a JWT key is configured. TryAdd, so a host
/// (a test) may register its own issuer or validator first.
/// </summary>
internal static class JwtServiceCollectionExtensions
{
    /// <summary>Loads the keys now, so an unusable key stops start-up with one line (InvalidConfigurationException).</summary>
    public static IServiceCollection AddKvJwt(this IServiceCollection services, ServerOptions options)
    {
        if (JwtSettings.FromOptions(options) is not { } settings)
        {
            return services;
        }

        services.TryAddSingleton(settings);
        services.TryAddSingleton<IJwtValidator, JwtValidator>();
        if (settings.SigningKey is not null)
        {
            services.TryAddSingleton<JwtTokenIssuer>();
        }

        return services;
    }
}
