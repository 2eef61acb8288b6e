using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansKv.Tests.GrpcApi;

namespace OrleansKv.Tests.Limits;

/// <summary>
/// One real server (REST and gRPC on Kestrel) for the limits tests, with default quotas from the settings. Each test
/// takes namespaces of its own through <see cref="NewNamespaceAsync"/>, so their limits never meet.
/// </summary>
public sealed class LimitsServerFixture : IAsyncLifetime
{
    public const int MaxValueBytes = 64 * 1024;
    public const int DefaultMaxKeys = 1000;

    private KvServerHost? _host;

    public string AdminToken { get; } = "admin-" + Guid.NewGuid().ToString("N");

    internal KvServerHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _host = await KvServerHost.StartAsync(new Dictionary<string, string?>
    {
        ["ADMIN_TOKEN"] = AdminToken,
        ["MAX_VALUE_BYTES"] = MaxValueBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["NAMESPACE_MAX_KEYS"] = DefaultMaxKeys.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>A fresh namespace and a read-write token for it.</summary>
    public async Task<(string Namespace, string Token)> NewNamespaceAsync(params string[] scopes)
    {
        var ns = "lim-" + Guid.NewGuid().ToString("N")[..12];
        return (ns, await Host.IssueTokenAsync(AdminToken, ns, scopes.Length == 0 ? ["read", "write"] : scopes));
    }

    public HttpClient Rest(string? token)
    {
        var client = new HttpClient { BaseAddress = Host.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>PUTs <paramref name="limits"/> as the admin; returns the answer.</summary>
    public async Task<JsonElement> SetLimitsAsync(string ns, object limits)
    {
        using var admin = Rest(AdminToken);
        using var response = await admin.PutAsJsonAsync($"/v1/namespaces/{ns}/limits", limits);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"setting limits failed: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
