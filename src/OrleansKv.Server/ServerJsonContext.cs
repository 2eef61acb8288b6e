using System.Text.Json.Serialization;
using OrleansKv.Server.Limits;
using OrleansKv.Server.Rest;
using OrleansKv.Server.Tokens;

namespace OrleansKv.Server;

/// <summary>Source-generated JSON for every body the server reads or writes.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    AllowTrailingCommas = false)]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(RootSetRequest))]
[JsonSerializable(typeof(RootValueResponse))]
[JsonSerializable(typeof(MessageResponse))]
[JsonSerializable(typeof(PutResponse))]
[JsonSerializable(typeof(KeysResponse))]
[JsonSerializable(typeof(BatchOpRequest[]))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(IssueTokenRequest))]
[JsonSerializable(typeof(IssuedTokenResponse))]
[JsonSerializable(typeof(TokenListResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(LimitsRequest))]
[JsonSerializable(typeof(LimitsResponse))]
internal sealed partial class ServerJsonContext : JsonSerializerContext
{
    /// <summary>The context the API writes with: like <see cref="Default"/>, but without escaping quotes and
    /// angle brackets as <c>\u0022</c> (the bodies are JSON, never embedded in HTML).</summary>
    public static ServerJsonContext Api { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.Strict,
        AllowTrailingCommas = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
