namespace OrleansKv.Grains.Tokens;

/// <summary>An issued token as stored: its SHA-256, never the token itself.</summary>
/// <param name="Id">The public id (<c>tok_…</c>) used to list and revoke it.</param>
/// <param name="Namespace">The one namespace it reaches.</param>
/// <param name="Scopes">Scope names (<c>read</c>, <c>write</c>, <c>admin</c>).</param>
/// <param name="Hash">Lower-case hex SHA-256 of the token.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="ExpiresAt">When it stops working, or null.</param>
[GenerateSerializer, Immutable, Alias("OrleansKv.IssuedToken")]
public sealed record IssuedToken(
    [property: Id(0)] string Id,
    [property: Id(1)] string Namespace,
    [property: Id(2)] string[] Scopes,
    [property: Id(3)] string Hash,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? ExpiresAt);

/// <summary>The persisted state of a <see cref="TokenGrain"/>.</summary>
[GenerateSerializer, Alias("OrleansKv.TokenState")]
public sealed class TokenState
{
    [Id(0)]
    public IssuedToken? Token { get; set; }
}

/// <summary>The persisted state of the <see cref="TokenIndexGrain"/>: every issued token by id.</summary>
[GenerateSerializer, Alias("OrleansKv.TokenIndexState")]
public sealed class TokenIndexState
{
    [Id(0)]
    public Dictionary<string, IssuedToken> Tokens { get; set; } = new(StringComparer.Ordinal);
}
