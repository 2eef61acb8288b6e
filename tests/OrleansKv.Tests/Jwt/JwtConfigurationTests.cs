using System.Security.Cryptography;
using OrleansKv.Server.Auth;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Hosting;

namespace OrleansKv.Tests.Jwt;

/// <summary>JWT keys are loaded at start-up; an unusable one stops it with one line naming the setting.</summary>
public sealed class JwtConfigurationTests : IDisposable
{
    private readonly JwtTestKeys _keys = new();

    [Fact]
    public void NoKeyMeansNoJwtValidation() => Assert.Null(JwtSettings.FromOptions(new AuthOptions()));

    [Fact]
    public void RsaAndEcPublicKeysPickTheirAlgorithm()
    {
        Assert.Equal("RS256", JwtSettings.FromOptions(new AuthOptions { JwtPublicKeyFile = _keys.RsaPemFile })!.PublicAlgorithm);
        Assert.Equal("ES256", JwtSettings.FromOptions(new AuthOptions { JwtPublicKeyFile = _keys.EcPemFile })!.PublicAlgorithm);
        Assert.Equal(["HS256", "RS256"], JwtSettings.FromOptions(new AuthOptions { JwtSigningKey = _keys.SigningSecret, JwtPublicKeyFile = _keys.RsaPemFile })!.Algorithms);
    }

    [Fact]
    public void AKeyIsBoundToItsOneAlgorithm()
    {
        var settings = JwtSettings.FromOptions(new AuthOptions { JwtSigningKey = _keys.SigningSecret, JwtPublicKeyFile = _keys.RsaPemFile })!;

        Assert.Same(settings.SigningKey, Assert.Single(settings.KeysFor("HS256")));
        Assert.Same(settings.PublicKey, Assert.Single(settings.KeysFor("RS256")));
        Assert.Empty(settings.KeysFor("none"));
        Assert.Empty(settings.KeysFor("ES256"));
        Assert.Empty(settings.KeysFor("HS512"));
        Assert.Empty(settings.KeysFor(null));
    }

    [Fact]
    public void APrivateKeyFileIsUsedForItsPublicHalfOnly()
    {
        var file = _keys.Write("private.pem", _keys.Rsa.ExportPkcs8PrivateKeyPem());

        var key = (Microsoft.IdentityModel.Tokens.RsaSecurityKey)JwtSettings.FromOptions(new AuthOptions { JwtPublicKeyFile = file })!.PublicKey!;

        Assert.Null(key.Parameters.D);
    }

    public static TheoryData<string, string> BadKeys => new()
    {
        { "garbage", "is not a PEM RSA or EC (P-256) public key" },
        { "rsa1024", "RS256 needs at least 2048 bits" },
        { "p384", "not on P-256" },
        { "missing", "cannot be read" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public void AnUnusablePublicKeyFailsStartUp(string kind, string expected)
    {
        var file = kind switch
        {
            "garbage" => _keys.Write("garbage.pem", "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n"),
            "rsa1024" => _keys.Write("small.pem", RsaPem(1024)),
            "p384" => _keys.Write("p384.pem", EcPem(ECCurve.NamedCurves.nistP384)),
            _ => Path.Combine(Path.GetTempPath(), "orleans-kv-no-such-dir", "missing.pem"),
        };

        var ex = Assert.Throws<InvalidConfigurationException>(() => JwtSettings.FromOptions(new AuthOptions { JwtPublicKeyFile = file }));

        Assert.StartsWith("JWT_PUBLIC_KEY_FILE", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void AShortSigningKeyFailsStartUp()
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => JwtSettings.FromOptions(new AuthOptions { JwtSigningKey = "too-short" }));

        Assert.Contains("JWT_SIGNING_KEY", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _keys.Dispose();

    private static string RsaPem(int bits)
    {
        using var rsa = RSA.Create(bits);
        return rsa.ExportSubjectPublicKeyInfoPem();
    }

    private static string EcPem(ECCurve curve)
    {
        using var ec = ECDsa.Create(curve);
        return ec.ExportSubjectPublicKeyInfoPem();
    }
}
