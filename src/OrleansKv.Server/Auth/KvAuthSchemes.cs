namespace OrleansKv.Server.Auth;

/// <summary>
/// The authentication schemes. With JWT keys configured, <see cref="Bearer"/>, the default, is a policy scheme: it
/// forwards a credential shaped like a JWT to <see cref="Jwt"/> (ASP.NET Core's JwtBearer handler) and every other
/// credential to <see cref="OpaqueToken"/>. Without them <see cref="OpaqueToken"/> is the default scheme.
/// </summary>
public static class KvAuthSchemes
{
    public const string Bearer = "Bearer";

    public const string Jwt = "Jwt";

    public const string OpaqueToken = "OpaqueToken";
}
