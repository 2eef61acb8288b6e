using System.Text.Json;

namespace OrleansKv.Tests.Rest;

/// <summary>The answer to <see cref="KvServerFactory.SendRawTargetAsync"/>.</summary>
public sealed record RawResponse(int Status, string Body, string? ContentType)
{
    /// <summary>Asserts the status and a JSON error body with <paramref name="code"/>.</summary>
    public void AssertError(int status, string code)
    {
        Assert.True(status == Status, $"expected {status}, got {Status}: {Body}");
        Assert.StartsWith("application/json", ContentType, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(Body);
        Assert.Equal(code, json.RootElement.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("error").GetString()));
    }
}
