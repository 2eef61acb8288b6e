namespace OrleansKv.Server.Auth;

/// <summary>
/// The authentication schemes. <see cref="Bearer"/>, the default, is a policy scheme: it forwards a credential
/// shaped like a JWT to <see cref="Jwt"/> (ASP.NET Core's JwtBearer handler) when JWT keys are configured, and every
/// other credential to <see cref="OpaqueToken"/>.
/// </summary>
public static class KvAuthSchemes
{
    public const string Bearer = "Bearer";

    public const string Jwt = "Jwt";

    public const string OpaqueToken = "OpaqueToken";
}
