using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using OrleansKv.Grains;
using OrleansKv.Protocol.V1;
using OrleansKv.Server.Grpc;
using OrleansKv.Server.Rest;
using OrleansKv.Tests.GrpcApi;
using OrleansKv.Tests.Limits;

namespace OrleansKv.Tests.Errors;

/// <summary>
/// Black-box: each error code a client can provoke through both REST and gRPC, provoked through both against one
/// real server. The REST <c>"code"</c> and the gRPC <c>kv-error-code</c> trailer name the same code, each status is
/// the one its protocol's map gives that code, and where both calls are phrased alike so is the sentence.
/// </summary>
public sealed class ErrorAgreementTests(LimitsServerFixture server) : IClassFixture<LimitsServerFixture>
{
    private const int MaxValueBytes = LimitsServerFixture.MaxValueBytes;

    private static readonly string LongKey = new('k', KeyRules.MaxKeyBytes + 1);

    public static TheoryData<string> Cases =>
    [
        "invalid_key", "invalid_ttl", "invalid_condition", "invalid_content_type", "invalid_prefix", "invalid_limit",
        "invalid_op", "empty_batch", "batch_too_large", "not_found", "precondition_failed", "value_too_large",
        "quota_value_too_large", "quota_exceeded", "rate_limited", "unauthenticated", "forbidden",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RestAndGrpcAnswerTheSameErrorCode(string name)
    {
        var wanted = name == "quota_value_too_large" ? "value_too_large" : name;
        var code = Enum.GetValues<KvErrorCode>().Single(c => c.Name() == wanted);
        var (ns, token) = await server.NewNamespaceAsync();
        var (rest, grpc, sameSentence) = await ProvokeAsync(name, ns, token);

        using var response = rest;
        var text = await response.Content.ReadAsStringAsync();
        using var body = JsonDocument.Parse(text);
        Assert.True(RestErrorMap.Status(code) == (int)response.StatusCode, $"REST {(int)response.StatusCode}: {text}");
        Assert.Equal(code.Name(), body.RootElement.GetProperty("code").GetString());
        var restSentence = body.RootElement.GetProperty("error").GetString();

        Assert.Equal(GrpcErrors.StatusOf(code), grpc.StatusCode);
        Assert.Equal(code.Name(), grpc.Trailers.GetValue(GrpcErrors.CodeTrailer));

        Assert.False(string.IsNullOrWhiteSpace(grpc.Status.Detail));
        if (sameSentence)
        {
            Assert.Equal(restSentence, grpc.Status.Detail);
        }
    }

    private async Task<(HttpResponseMessage Response, RpcException Status, bool SameSentence)> ProvokeAsync(string name, string ns, string token)
    {
        using var http = server.Rest(token);
        using var channel = server.Host.CreateChannel();
        var kv = new KvStore.KvStoreClient(channel);
        var options = RawCalls.Options(token);
        switch (name)
        {
            case "invalid_key":
                return (await http.GetAsync("/v1/kv/" + LongKey), await Refused(kv.GetAsync(new GetRequest { Key = LongKey }, options)), true);
            case "invalid_ttl":
                return (await Put(http, "t", "v", ("X-TTL-Seconds", "0")), await Refused(kv.SetAsync(Set("t", ttlSeconds: 0), options)), false);
            case "invalid_condition":
                return (await Put(http, "c", "v", ("If-Match", "garbage")), await Refused(kv.SetAsync(Set("c", ifMatch: "garbage"), options)), false);
            case "invalid_content_type":
                var type = "text/" + new string('x', 300);
                return (await Put(http, "ct", "v", ("Content-Type", type)), await Refused(kv.SetAsync(Set("ct", contentType: type), options)), false);
            case "invalid_prefix":
                return (await http.GetAsync("/v1/keys?prefix=" + LongKey), await RefusedList(kv, new ListRequest { Prefix = LongKey }, options), true);
            case "invalid_limit":
                return (await http.GetAsync("/v1/keys?limit=-1"), await RefusedList(kv, new ListRequest { Limit = -1 }, options), false);
            case "invalid_op":
                return (await Batch(http, """[{"op": "rename", "key": "k"}]"""),
                    await Refused(kv.BatchAsync(new BatchRequest { Ops = { new BatchOp { Key = "k" } } }, options)), false);
            case "empty_batch":
                return (await Batch(http, "[]"), await Refused(kv.BatchAsync(new BatchRequest(), options)), true);
            case "batch_too_large":
                var gets = Enumerable.Range(0, KeyRules.MaxBatchOperations + 1).Select(i => new BatchOp { Op = BatchOp.Types.Kind.Get, Key = "k" + i });
                return (await Batch(http, "[" + string.Join(",", gets.Select(g => $$"""{"op": "get", "key": "{{g.Key}}"}""")) + "]"),
                    await Refused(kv.BatchAsync(new BatchRequest { Ops = { gets } }, options)), true);
            case "not_found":
                return (await http.GetAsync("/v1/kv/missing"), await Refused(kv.GetAsync(new GetRequest { Key = "missing" }, options)), true);
            case "precondition_failed":
                await kv.SetAsync(Set("p"), options);
                return (await Put(http, "p", "v", ("If-Match", "\"999999\"")), await Refused(kv.SetAsync(Set("p", ifMatch: "\"999999\""), options)), true);
            case "value_too_large":
                return (await Put(http, "big", new string('x', MaxValueBytes + 1)), await Refused(kv.SetAsync(Set("big", new string('x', MaxValueBytes + 1)), options)), false);
            case "quota_value_too_large":
                await server.SetLimitsAsync(ns, new { max_value_bytes = 4 });
                return (await Put(http, "q", "12345"), await Refused(kv.SetAsync(Set("q", "12345"), options)), true);
            case "quota_exceeded":
                await server.SetLimitsAsync(ns, new { max_keys = 1 });
                await kv.SetAsync(Set("first"), options);
                return (await Put(http, "second", "v"), await Refused(kv.SetAsync(Set("second"), options)), true);
            case "rate_limited":
                await server.SetLimitsAsync(ns, new { ops_per_second = 1, burst = 1 });
                return (await UntilRefused(() => http.GetAsync("/v1/kv/r")), await UntilRefused(kv, options), false);
            case "unauthenticated":
                using (var anonymous = server.Rest(null))
                {
                    return (await anonymous.GetAsync("/v1/kv/k"), await Refused(kv.GetAsync(new GetRequest { Key = "k" }, RawCalls.Options(null))), false);
                }

            default:
                var (_, reader) = await server.NewNamespaceAsync("read");
                using (var readOnly = server.Rest(reader))
                {
                    return (await Put(readOnly, "w", "v"), await Refused(kv.SetAsync(Set("w"), RawCalls.Options(reader))), false);
                }
        }
    }

    private static SetRequest Set(string key, string value = "v", long? ttlSeconds = null, string? ifMatch = null, string contentType = "")
    {
        var request = new SetRequest { Key = key, Value = ByteString.CopyFromUtf8(value), ContentType = contentType };
        if (ttlSeconds is { } ttl)
        {
            request.TtlSeconds = ttl;
        }

        if (ifMatch is not null)
        {
            request.IfMatch = ifMatch;
        }

        return request;
    }

    private static async Task<HttpResponseMessage> Put(HttpClient http, string key, string value, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/kv/" + key) { Content = new StringContent(value) };
        foreach (var (header, text) in headers)
        {
            if (header == "Content-Type")
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(text);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(header, text);
            }
        }

        return await http.SendAsync(request);
    }

    private static Task<HttpResponseMessage> Batch(HttpClient http, string json) =>
        http.PostAsync("/v1/batch", new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<RpcException> Refused<T>(AsyncUnaryCall<T> call) => await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

    private static async Task<RpcException> RefusedList(KvStore.KvStoreClient kv, ListRequest request, CallOptions options)
    {
        using var call = kv.List(request, options);
        return await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
    }

    /// <summary>Calls until the rate limit refuses one (at one op/s with a burst of one, the second call at the latest).</summary>
    private static async Task<HttpResponseMessage> UntilRefused(Func<Task<HttpResponseMessage>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await call();
            if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests || attempt == 10)
            {
                return response;
            }

            response.Dispose();
        }
    }

    private static async Task<RpcException> UntilRefused(KvStore.KvStoreClient kv, CallOptions options)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await kv.GetAsync(new GetRequest { Key = "r" }, options);
            }
            catch (RpcException ex) when (ex.StatusCode != StatusCode.NotFound || attempt == 10)
            {
                return ex;
            }
            catch (RpcException)
            {
                // Admitted: the key is absent. Call again.
            }
        }
    }
}
