using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

// OrleansKv over REST. Run a server (TOKEN=my-secret-token dotnet run --project src/OrleansKv.Server), then:
//   KV_URL=http://127.0.0.1:3000 KV_TOKEN=my-secret-token dotnet run --project examples/RestSample
var baseUrl = new Uri(Environment.GetEnvironmentVariable("KV_URL") ?? "http://127.0.0.1:3000");
var token = Environment.GetEnvironmentVariable("KV_TOKEN") ?? "my-secret-token";

using var http = new HttpClient { BaseAddress = baseUrl };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

// Write raw bytes with a content type and a TTL; the answer carries the ETag.
using (var put = new ByteArrayContent(Encoding.UTF8.GetBytes("hello from REST")))
{
    put.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
    using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/kv/greetings/rest") { Content = put };
    request.Headers.Add("X-TTL-Seconds", "3600");
    using var response = await http.SendAsync(request);
    response.EnsureSuccessStatusCode();
    Console.WriteLine($"PUT  {(int)response.StatusCode} etag={response.Headers.ETag}");
}

// Read it back.
using (var response = await http.GetAsync(new Uri("/v1/kv/greetings/rest", UriKind.Relative)))
{
    response.EnsureSuccessStatusCode();
    Console.WriteLine($"GET  {await response.Content.ReadAsStringAsync()} (expires {response.Headers.GetValues("X-Expires-At").First()})");
}

// List keys by prefix.
var keys = await http.GetFromJsonAsync<JsonElement>(new Uri("/v1/keys?prefix=greetings/&limit=10", UriKind.Relative));
foreach (var key in keys.GetProperty("keys").EnumerateArray())
{
    Console.WriteLine($"LIST {key.GetProperty("key").GetString()} {key.GetProperty("size").GetInt64()} bytes");
}

// Trade the opaque token for a 15-minute JWT (needs JWT_SIGNING_KEY on the server; 501 otherwise).
using (var response = await http.PostAsync(new Uri("/v1/auth/token", UriKind.Relative), content: null))
{
    var body = await response.Content.ReadFromJsonAsync<JsonElement>();
    Console.WriteLine(response.IsSuccessStatusCode
        ? $"JWT  expires {body.GetProperty("expires_at").GetString()}, scopes {body.GetProperty("scopes")}"
        : $"JWT  {(int)response.StatusCode} {body.GetProperty("error").GetString()}");
}
