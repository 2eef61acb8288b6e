namespace OrleansKv.Server.Auth;

/// <summary>
/// Reads <c>Authorization: Bearer &lt;credential&gt;</c>, where the credential is an opaque token or a JWT; the
/// same header carries it over REST and as gRPC metadata.
/// </summary>
internal static class BearerCredential
{
    public const string Missing = "A bearer credential is required (Authorization: Bearer <token>).";

    /// <summary>The credential as a slice of the header value, without copying it.</summary>
    public static bool TryGet(HttpRequest request, out ReadOnlyMemory<char> credential, out string? problem)
    {
        credential = ReadOnlyMemory<char>.Empty;
        problem = null;
        var header = request.Headers.Authorization;
        if (header.Count == 0)
        {
            problem = Missing;
            return false;
        }

        var value = header.ToString();
        if (header.Count > 1 || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            problem = "The Authorization header must be 'Bearer <token>'.";
            return false;
        }

        credential = value.AsMemory("Bearer ".Length).Trim();
        return true;
    }
}
