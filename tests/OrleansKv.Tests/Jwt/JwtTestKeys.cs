using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansKv.Tests.Jwt;

/// <summary>Keys generated per test run, PEM files for JWT_PUBLIC_KEY_FILE, and a token minter.</summary>
internal sealed class JwtTestKeys : IDisposable
{
    public const string Issuer = "https://issuer.orleans-kv.test";
    public const string Audience = "orleans-kv-tests";

    private readonly Storage.TempDirectory _dir = new();

    public JwtTestKeys()
    {
        SigningSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        Rsa = RSA.Create(2048);
        Ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        RsaPublicPem = Rsa.ExportSubjectPublicKeyInfoPem();
        RsaPemFile = Write("rsa.pem", RsaPublicPem);
        EcPemFile = Write("ec.pem", Ec.ExportSubjectPublicKeyInfoPem());
    }

    /// <summary>The HS256 secret (48 characters).</summary>
    public string SigningSecret { get; }

    public RSA Rsa { get; }

    public ECDsa Ec { get; }

    public string RsaPublicPem { get; }

    public string RsaPemFile { get; }

    public string EcPemFile { get; }

    public SigningCredentials Hs256 => Hs256With(Encoding.UTF8.GetBytes(SigningSecret));

    public SigningCredentials Rs256 => new(new RsaSecurityKey(Rsa), SecurityAlgorithms.RsaSha256);

    public SigningCredentials Es256 => new(new ECDsaSecurityKey(Ec), SecurityAlgorithms.EcdsaSha256);

    public static SigningCredentials Hs256With(byte[] secret) => new(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256);

    public string Write(string name, string content)
    {
        var path = Path.Combine(_dir.Path, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A signed JWT; every claim can be changed or left out (null) to test one rule at a time.</summary>
    public static string Mint(
        SigningCredentials credentials,
        string? ns,
        string? scope = "read write",
        string? issuer = Issuer,
        string? audience = Audience,
        DateTime? notBefore = null,
        DateTime? expires = null,
        bool withExpiry = true)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = "test-user" };
        if (ns is not null)
        {
            claims["ns"] = ns;
        }

        if (scope is not null)
        {
            claims["scope"] = scope;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore ?? now,
            NotBefore = notBefore ?? now.AddSeconds(-5),
            Expires = withExpiry ? expires ?? now.AddMinutes(5) : null,
            SigningCredentials = credentials,
            Claims = claims,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>An unsigned token (<c>alg: none</c>) with valid-looking claims.</summary>
    public static string Unsigned(string ns)
    {
        var exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();
        var header = Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        var payload = Base64Url($"{{\"ns\":\"{ns}\",\"scope\":\"read write\",\"iss\":\"{Issuer}\",\"aud\":\"{Audience}\",\"exp\":{exp}}}");
        return header + "." + payload + ".";
    }

    /// <summary>Decodes a JWT's payload without checking it (to look at what the server issued).</summary>
    public static JsonWebToken Read(string jwt) => new(jwt);

    public void Dispose()
    {
        Rsa.Dispose();
        Ec.Dispose();
        _dir.Dispose();
    }

    private static string Base64Url(string json) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(json);
}
