using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Hosting;

namespace OrleansKv.Server.Auth;

/// <summary>
/// The JWT keys and checks from JWT_SIGNING_KEY (HS256), JWT_PUBLIC_KEY_FILE (a PEM public key: RSA → RS256,
/// EC P-256 → ES256), JWT_ISSUER and JWT_AUDIENCE. Each key is bound to its one algorithm, so a token can never
/// pick which key (or key type) checks it.
/// </summary>
internal sealed class JwtSettings
{
    private const int MinRsaBits = 2048;

    private JwtSettings(SymmetricSecurityKey? signingKey, AsymmetricSecurityKey? publicKey, string? publicAlgorithm, string? issuer, string? audience)
    {
        SigningKey = signingKey;
        PublicKey = publicKey;
        PublicAlgorithm = publicAlgorithm;
        Issuer = issuer;
        Audience = audience;
    }

    /// <summary>The HS256 key; also signs the tokens of <c>POST /v1/auth/token</c>.</summary>
    public SymmetricSecurityKey? SigningKey { get; }

    /// <summary>The RSA or EC public key.</summary>
    public AsymmetricSecurityKey? PublicKey { get; }

    /// <summary>RS256 or ES256, by the type of <see cref="PublicKey"/>.</summary>
    public string? PublicAlgorithm { get; }

    public string? Issuer { get; }

    public string? Audience { get; }

    /// <summary>The algorithms accepted: one per configured key.</summary>
    public IReadOnlyList<string> Algorithms =>
        [.. SigningKey is null ? Array.Empty<string>() : [SecurityAlgorithms.HmacSha256], .. PublicAlgorithm is null ? Array.Empty<string>() : [PublicAlgorithm]];

    /// <summary>The one key that checks a token signed with <paramref name="algorithm"/>; none for any other algorithm.</summary>
    public IEnumerable<SecurityKey> KeysFor(string? algorithm) => algorithm switch
    {
        SecurityAlgorithms.HmacSha256 when SigningKey is not null => [SigningKey],
        _ when algorithm is not null && algorithm == PublicAlgorithm => [PublicKey!],
        _ => [],
    };

    /// <summary>The settings, or null when no JWT key is configured. A key that cannot be used fails start-up.</summary>
    public static JwtSettings? FromOptions(AuthOptions options)
    {
        var hasSecret = !string.IsNullOrEmpty(options.JwtSigningKey);
        var hasFile = !string.IsNullOrEmpty(options.JwtPublicKeyFile);
        if (!hasSecret && !hasFile)
        {
            return null;
        }

        SymmetricSecurityKey? signingKey = null;
        if (hasSecret)
        {
            var bytes = Encoding.UTF8.GetBytes(options.JwtSigningKey!);
            signingKey = bytes.Length >= 32
                ? new SymmetricSecurityKey(bytes)
                : throw new InvalidConfigurationException("JWT_SIGNING_KEY must be at least 32 bytes for HS256.");
        }

        var (publicKey, algorithm) = hasFile ? LoadPublicKey(options.JwtPublicKeyFile!) : (null, null);
        return new JwtSettings(signingKey, publicKey, algorithm, Blank(options.JwtIssuer), Blank(options.JwtAudience));
    }

    private static (AsymmetricSecurityKey Key, string Algorithm) LoadPublicKey(string file)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidConfigurationException($"JWT_PUBLIC_KEY_FILE '{file}' cannot be read: {ex.Message}");
        }

        if (TryImport(pem, RSA.Create, out var rsa))
        {
            using (rsa)
            {
                if (rsa.KeySize < MinRsaBits)
                {
                    throw new InvalidConfigurationException($"JWT_PUBLIC_KEY_FILE '{file}' holds a {rsa.KeySize}-bit RSA key; RS256 needs at least {MinRsaBits} bits.");
                }

                // Keep the public half only, even when the file holds a private key.
                return (new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false)), SecurityAlgorithms.RsaSha256);
            }
        }

        if (TryImport(pem, ECDsa.Create, out var ec))
        {
            using (ec)
            {
                var parameters = ec.ExportParameters(includePrivateParameters: false);
                if (parameters.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
                {
                    throw new InvalidConfigurationException($"JWT_PUBLIC_KEY_FILE '{file}' holds an EC key that is not on P-256; ES256 is the only EC algorithm accepted.");
                }

                return (new ECDsaSecurityKey(ECDsa.Create(parameters)), SecurityAlgorithms.EcdsaSha256);
            }
        }

        throw new InvalidConfigurationException($"JWT_PUBLIC_KEY_FILE '{file}' is not a PEM RSA or EC (P-256) public key.");
    }

    private static bool TryImport<T>(string pem, Func<T> create, out T algorithm)
        where T : AsymmetricAlgorithm
    {
        algorithm = create();
        try
        {
            algorithm.ImportFromPem(pem);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            algorithm.Dispose();
            return false;
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
