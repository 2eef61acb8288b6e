using OrleansKv.Server.Configuration;

namespace OrleansKv.Server.Auth;

/// <summary>Registers JWT validation (and issuing, with an HS256 key) only when a JWT key is configured.</summary>
internal static class JwtServiceCollectionExtensions
{
    /// <summary>Loads the keys now, so an unusable key stops start-up with one line (InvalidConfigurationException).</summary>
    public static IServiceCollection AddKvJwt(this IServiceCollection services, ServerOptions options)
    {
        if (JwtSettings.FromOptions(options) is not { } settings)
        {
            return services;
        }

        services.AddSingleton(settings);
        services.AddSingleton<IJwtValidator, JwtValidator>();
        if (settings.SigningKey is not null)
        {
            services.AddSingleton<JwtTokenIssuer>();
        }

        return services;
    }
}
