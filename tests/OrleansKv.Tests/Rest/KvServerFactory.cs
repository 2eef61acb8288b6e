using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using OrleansKv.Tests.Storage;

namespace OrleansKv.Tests.Rest;

/// <summary>
/// The real server in-process (<see cref="WebApplicationFactory{TEntryPoint}"/> over TestServer) on its embedded
/// store in a temp directory, with two bootstrap tokens and an admin token. Tests that need a namespace of their
/// own (exact listings) issue one with <see cref="NewNamespaceClientAsync"/>.
/// </summary>
public sealed class KvServerFactory : WebApplicationFactory<Program>
{
    public const string TokenA = "bootstrap-token-alpha";
    public const string TokenB = "bootstrap-token-bravo";
    public const string AdminToken = "admin-token-0123456789";

    /// <summary>Kept small so the 413 paths are cheap to reach.</summary>
    public const int MaxValueBytes = 64 * 1024;

    private readonly TempDirectory _data = new();
    private readonly IReadOnlyDictionary<string, string> _overrides;

    public KvServerFactory()
        : this(new Dictionary<string, string>())
    {
    }

    /// <summary>A server with some settings changed (configuration keys named like the environment variables).</summary>
    internal KvServerFactory(IReadOnlyDictionary<string, string> overrides) => _overrides = overrides;

    public string DataDirectory => _data.Path;

    /// <summary>A client that sends <paramref name="token"/> as its bearer credential (none when null).</summary>
    public HttpClient ClientWith(string? token)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>Issues a token for a fresh namespace through the admin API and returns a client using it.</summary>
    public async Task<HttpClient> NewNamespaceClientAsync(params string[] scopes)
    {
        var issued = await IssueTokenAsync("ns-" + Guid.NewGuid().ToString("N")[..12], scopes.Length == 0 ? ["read", "write"] : scopes);
        return ClientWith(issued.GetProperty("token").GetString());
    }

    /// <summary>Issues a token with the admin credential; returns the JSON answer.</summary>
    public async Task<JsonElement> IssueTokenAsync(string ns, string[] scopes, long? ttlSeconds = null)
    {
        using var admin = ClientWith(AdminToken);
        using var response = await admin.PostAsJsonAsync("/v1/tokens", new Dictionary<string, object?> { ["namespace"] = ns, ["scopes"] = scopes, ["ttl_seconds"] = ttlSeconds });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"issuing a token failed: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>
    /// Sends a request with an exact request target, as Kestrel would see it from a raw HTTP client:
    /// <paramref name="rawTarget"/> is what the key routes parse; <paramref name="routedPath"/> (default: the raw
    /// path) is what routing sees, i.e. Kestrel's decoded and dot-segment-resolved path.
    /// </summary>
    public async Task<RawResponse> SendRawTargetAsync(string method, string rawTarget, string? token, string? body = null, string? routedPath = null)
    {
        var query = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = routedPath ?? (query >= 0 ? rawTarget[..query] : rawTarget);
        var context = await Server.SendAsync(c =>
        {
            c.Request.Method = method;
            c.Request.Path = new Microsoft.AspNetCore.Http.PathString(path);
            c.Request.QueryString = query >= 0 ? new Microsoft.AspNetCore.Http.QueryString(rawTarget[query..]) : default;
            c.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget = rawTarget;
            if (token is not null)
            {
                c.Request.Headers.Authorization = "Bearer " + token;
            }

            if (body is not null)
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(body);
                c.Request.ContentType = "application/json";
                c.Request.ContentLength = bytes.Length;
                c.Request.Body = new MemoryStream(bytes);
            }
        });
        using var reader = new StreamReader(context.Response.Body);
        return new RawResponse(context.Response.StatusCode, await reader.ReadToEndAsync(), context.Response.ContentType);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("DATA_DIR", _data.Path);
        builder.UseSetting("TOKEN", $"{TokenA},{TokenB}");
        builder.UseSetting("ADMIN_TOKEN", AdminToken);
        builder.UseSetting("MAX_VALUE_BYTES", MaxValueBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("LOG_LEVEL", "Warning");
        foreach (var (name, value) in _overrides)
        {
            builder.UseSetting(name, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _data.Dispose();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _data.Dispose();
    }
}
