using System.Net;
using System.Text;
using OrleansKv.Tests.Jwt;

namespace OrleansKv.Tests.Rest;

/// <summary>
/// Isolation at the credential choke point: a JWT whose signature, issuer and lifetime are all good still never
/// reaches a grain when its namespace claim is not a user namespace name (the token registry's <c>_system</c>,
/// paths, the empty name).
/// </summary>
public sealed class JwtNamespaceGuardTests
{
    private const string Secret = "a-jwt-signing-secret-of-at-least-32-bytes";

    [Theory]
    [InlineData("_system")]
    [InlineData("bad ns")]
    [InlineData("a/b")]
    [InlineData("")]
    public async Task AJwtNamingAnInvalidNamespaceIs401(string ns)
    {
        await using var server = new KvServerFactory(new Dictionary<string, string> { ["JWT_SIGNING_KEY"] = Secret });
        var key = JwtTestKeys.Hs256With(Encoding.UTF8.GetBytes(Secret));
        using var valid = server.ClientWith(JwtTestKeys.Mint(key, "good-ns"));
        using var invalid = server.ClientWith(JwtTestKeys.Mint(key, ns));

        using var allowed = await valid.GetAsync("/v1/keys");
        using var refused = await invalid.GetAsync("/v1/keys");

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        await RestAssert.ErrorAsync(refused, HttpStatusCode.Unauthorized, "unauthenticated");
    }
}
