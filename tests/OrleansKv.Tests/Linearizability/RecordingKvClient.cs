using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace OrleansKv.Tests.Linearizability;

/// <summary>
/// One client of a history: sends one REST request at a time over its own connection and records each as an
/// <see cref="Operation"/>. Answers the contract does not foresee (5xx, 429, timeouts, broken connections) are
/// unknown outcomes; other unexpected answers (400, 401, 409...) are unknown too and counted in
/// <see cref="Unexpected"/>, since they point at the test rather than the store.
/// </summary>
internal sealed class RecordingKvClient : IDisposable
{
    private readonly HttpClient[] _servers;
    private readonly HistoryRecorder _recorder;
    private readonly TimeSpan _timeout;
    private int _current;

    /// <summary>A client of <paramref name="servers"/>, starting at the one its id picks. When a server does not answer
    /// (refused, reset, timed out) the client moves on to the next, as clients behind a load balancer do.</summary>
    public RecordingKvClient(int id, IReadOnlyList<Uri> servers, string token, HistoryRecorder recorder, TimeSpan timeout)
    {
        Id = id;
        _recorder = recorder;
        _timeout = timeout;
        _current = id % servers.Count;
        _servers = [.. servers.Select(address =>
        {
            var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) };
            var http = new HttpClient(handler) { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return http;
        })];
    }

    public int Id { get; }

    /// <summary>Answers outside the contract for the request sent (a bug in the test or the server, not an outage).</summary>
    public List<string> Unexpected { get; } = [];

    /// <summary>GET /v1/kv/{key}: 200 with value and ETag, or 404.</summary>
    public Task<Operation> GetAsync(string key) => SendAsync(key, OpKind.Read, null, null, "v1",
        () => new HttpRequestMessage(HttpMethod.Get, V1(key)),
        async response => response.StatusCode switch
        {
            HttpStatusCode.OK => Outcome.Found(await response.Content.ReadAsStringAsync(), response.Headers.ETag?.Tag),
            HttpStatusCode.NotFound => Outcome.Absent(),
            _ => null,
        });

    /// <summary>GET /{key}: 200 <c>{"value"}</c> (no ETag), or 404.</summary>
    public Task<Operation> GetRootAsync(string key) => SendAsync(key, OpKind.Read, null, null, "root",
        () => new HttpRequestMessage(HttpMethod.Get, Root(key)),
        async response => response.StatusCode switch
        {
            HttpStatusCode.OK => Outcome.Found(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("value").GetString()!),
            HttpStatusCode.NotFound => Outcome.Absent(),
            _ => null,
        });

    /// <summary>PUT /v1/kv/{key}, plain (<paramref name="kind"/> Put), If-Match or If-None-Match: *.</summary>
    public Task<Operation> PutAsync(string key, string value, OpKind kind, string? ifMatch = null) => SendAsync(key, kind, value, ifMatch, "v1",
        () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, V1(key)) { Content = new StringContent(value, Encoding.UTF8, "text/plain") };
            if (kind == OpKind.PutIfMatch)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }
            else if (kind == OpKind.PutIfNoneMatch)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", "*");
            }

            return request;
        },
        response => Task.FromResult(response.StatusCode switch
        {
            HttpStatusCode.Created => Outcome.Written(true, response.Headers.ETag?.Tag),
            HttpStatusCode.OK => Outcome.Written(false, response.Headers.ETag?.Tag),
            HttpStatusCode.PreconditionFailed when kind != OpKind.Put => Outcome.PreconditionFailed(),
            _ => null,
        }));

    /// <summary>POST /{key} <c>{"value"}</c>: 200, no created bit, no ETag.</summary>
    public Task<Operation> PostRootAsync(string key, string value) => SendAsync(key, OpKind.Put, value, null, "root",
        () => new HttpRequestMessage(HttpMethod.Post, Root(key)) { Content = new StringContent(JsonSerializer.Serialize(new { value }), Encoding.UTF8, "application/json") },
        response => Task.FromResult(response.StatusCode == HttpStatusCode.OK ? Outcome.Written(null, status: 200) : null));

    /// <summary>DELETE /v1/kv/{key}: 204 or 404; with If-Match, 204 or 412.</summary>
    public Task<Operation> DeleteAsync(string key, string? ifMatch = null)
    {
        var kind = ifMatch is null ? OpKind.Delete : OpKind.DeleteIfMatch;
        return SendAsync(key, kind, null, ifMatch, "v1",
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Delete, V1(key));
                if (ifMatch is not null)
                {
                    request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
                }

                return request;
            },
            response => Task.FromResult(response.StatusCode switch
            {
                HttpStatusCode.NoContent => Outcome.Deleted(),
                HttpStatusCode.NotFound when ifMatch is null => Outcome.NotFound(),
                HttpStatusCode.PreconditionFailed when ifMatch is not null => Outcome.PreconditionFailed(),
                _ => null,
            }));
    }

    /// <summary>DELETE /{key}: 200 always (idempotent), so it says nothing about whether the key existed.</summary>
    public Task<Operation> DeleteRootAsync(string key) => SendAsync(key, OpKind.Delete, null, null, "root",
        () => new HttpRequestMessage(HttpMethod.Delete, Root(key)),
        response => Task.FromResult(response.StatusCode == HttpStatusCode.OK ? Outcome.Deleted(existed: null) : null));

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }
    }

    private static string V1(string key) => "/v1/kv/" + Uri.EscapeDataString(key);

    private static string Root(string key) => "/" + Uri.EscapeDataString(key);

    /// <summary>Sends, times and records one request; <paramref name="read"/> returns null for an answer outside the contract.</summary>
    private async Task<Operation> SendAsync(string key, OpKind kind, string? value, string? ifMatch, string route, Func<HttpRequestMessage> build, Func<HttpResponseMessage, Task<Outcome?>> read)
    {
        using var request = build();
        using var cts = new CancellationTokenSource(_timeout);
        var invoke = _recorder.Now();
        Outcome outcome;
        try
        {
            using var response = await _servers[_current].SendAsync(request, HttpCompletionOption.ResponseContentRead, cts.Token);
            outcome = await read(response) ?? Classify(response, await response.Content.ReadAsStringAsync(cts.Token));
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            outcome = Outcome.Unknown($"no answer within {_timeout.TotalSeconds:0} s");
            _current = (_current + 1) % _servers.Length;
        }
        catch (HttpRequestException ex)
        {
            outcome = Outcome.Unknown(ex.HttpRequestError.ToString());
            _current = (_current + 1) % _servers.Length;
        }

        return _recorder.Record(Id, key, kind, value, ifMatch, invoke, _recorder.Now(), outcome, route);
    }

    private Outcome Classify(HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        // 503 (and a timeout) mean "outcome unknown"; anything else, a 500 included, is outside the contract.
        if (status is (< 500 and not 429) or 500)
        {
            lock (Unexpected)
            {
                Unexpected.Add($"client {Id}: {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {status} {body}");
            }
        }

        return Outcome.Unknown(body.Length > 80 ? body[..80] : body, status);
    }
}
