using System.Net;
using System.Text;
using System.Text.Json;

namespace OrleansKv.Tests.Rest;

/// <summary>Assertions and small request helpers the REST tests share.</summary>
internal static class RestAssert
{
    /// <summary>Asserts the status and the JSON error body <c>{"error": "...", "code": "..."}</c>; returns the body.</summary>
    public static async Task<JsonElement> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? code = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"error body is not JSON ({response.Content.Headers.ContentType}): {text}");
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("error").GetString()), text);
        var actual = body.GetProperty("code").GetString();
        Assert.False(string.IsNullOrWhiteSpace(actual), text);
        if (code is not null)
        {
            Assert.Equal(code, actual);
        }

        return body;
    }

    /// <summary>Asserts the status; returns the body parsed as JSON.</summary>
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent RootValue(string value, long? ttl = null) =>
        Json(ttl is null ? JsonSerializer.Serialize(new { value }) : JsonSerializer.Serialize(new { value, ttl_seconds = ttl }));

    /// <summary>The key's value through the root API, or null on 404.</summary>
    public static async Task<string?> RootGetAsync(HttpClient client, string encodedKey)
    {
        using var response = await client.GetAsync("/" + encodedKey);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var body = await JsonAsync(response, HttpStatusCode.OK);
        return body.GetProperty("value").GetString();
    }

    /// <summary>Every key of the caller's namespace, paging through the listing.</summary>
    public static async Task<List<string>> ListAllAsync(HttpClient client, string prefix = "", int limit = 1000)
    {
        var keys = new List<string>();
        string? cursor = null;
        do
        {
            var url = $"/v1/keys?limit={limit}&prefix={Uri.EscapeDataString(prefix)}" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}");
            using var response = await client.GetAsync(url);
            var page = await JsonAsync(response, HttpStatusCode.OK);
            keys.AddRange(page.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("key").GetString()!));
            cursor = page.GetProperty("next_cursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);
        return keys;
    }

    /// <summary>Percent-encodes every segment of a key for a URL path (keeps '/' as the separator).</summary>
    public static string PathOf(string key) => string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
}
