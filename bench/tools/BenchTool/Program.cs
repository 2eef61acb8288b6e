using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using OrleansKv.Protocol.V1;

// bench/run.sh's helper. Every command takes --name value pairs and exits non-zero with one line on failure.
//   preload     --url http://127.0.0.1:3000 --token T --keys 10000 --value-bytes 64 [--concurrency 32]
//   grpc-body   --method get|set --key K --value-bytes 64 --out FILE
//   grpc-check  --url http://127.0.0.1:50051 --method get|set --body FILE --token T [--count 20]
//   alloc-summary --trace FILE.nettrace [--requests N]   Markdown of a trace's GC allocation ticks (bench/profile.sh)
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: bench-tool preload|grpc-body|grpc-check|alloc-summary --name value ...");
    return 2;
}

var options = ParseOptions(args.AsSpan(1));
try
{
    return args[0] switch
    {
        "preload" => await PreloadAsync(options),
        "grpc-body" => WriteGrpcBody(options),
        "grpc-check" => await GrpcCheckAsync(options),
        "alloc-summary" => AllocationSummary.Write(options["trace"], options.GetValueOrDefault("requests"), Console.Out),
        _ => Fail($"unknown command '{args[0]}'"),
    };
}
catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException or KeyNotFoundException or FormatException)
{
    return Fail(ex.Message);
}

static async Task<int> PreloadAsync(Dictionary<string, string> options)
{
    var url = options["url"].TrimEnd('/');
    var keys = int.Parse(options["keys"], CultureInfo.InvariantCulture);
    var valueBytes = int.Parse(options.GetValueOrDefault("value-bytes", "64"), CultureInfo.InvariantCulture);
    var concurrency = int.Parse(options.GetValueOrDefault("concurrency", "32"), CultureInfo.InvariantCulture);
    var body = Encoding.UTF8.GetBytes($"{{\"value\":\"{BenchValue(valueBytes)}\"}}");
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { Timeout = TimeSpan.FromSeconds(30) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options["token"]);
    var next = -1;
    var failures = 0;
    string? firstFailure = null;
    var stopwatch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < keys)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync($"{url}/bench:{i}", content);
            if (!response.IsSuccessStatusCode && Interlocked.Increment(ref failures) == 1)
            {
                firstFailure = $"POST /bench:{i} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
            }
        }
    }));
    if (failures > 0)
    {
        return Fail($"{failures} of {keys} preload writes failed; first: {firstFailure}");
    }

    Console.WriteLine($"preloaded {keys} keys of {valueBytes} bytes in {stopwatch.Elapsed.TotalSeconds:F1} s");
    return 0;
}

static int WriteGrpcBody(Dictionary<string, string> options)
{
    var key = options["key"];
    var valueBytes = int.Parse(options.GetValueOrDefault("value-bytes", "64"), CultureInfo.InvariantCulture);
    IMessage message = options["method"] switch
    {
        "get" => new GetRequest { Key = key },
        "set" => new SetRequest { Key = key, Value = ByteString.CopyFromUtf8(BenchValue(valueBytes)) },
        var other => throw new FormatException($"unknown gRPC method '{other}'"),
    };
    // One length-prefixed message as h2load posts it: a zero compression flag, the big-endian length, the bytes.
    var payload = message.ToByteArray();
    var body = new byte[5 + payload.Length];
    BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)payload.Length);
    payload.CopyTo(body.AsSpan(5));
    File.WriteAllBytes(options["out"], body);
    return 0;
}

static async Task<int> GrpcCheckAsync(Dictionary<string, string> options)
{
    var url = options["url"].TrimEnd('/');
    var path = options["method"] switch
    {
        "get" => "/orleanskv.v1.KvStore/Get",
        "set" => "/orleanskv.v1.KvStore/Set",
        var other => throw new FormatException($"unknown gRPC method '{other}'"),
    };
    var body = File.ReadAllBytes(options["body"]);
    var count = int.Parse(options.GetValueOrDefault("count", "20"), CultureInfo.InvariantCulture);
    using var http = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(10) };
    var statuses = new Dictionary<string, int>(StringComparer.Ordinal);
    string? sample = null;
    for (var i = 0; i < count; i++)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url + path)
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.ParseAdd("trailers");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options["token"]);
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var status = Header(response, "grpc-status") ?? $"http-{(int)response.StatusCode}";
        statuses[status] = statuses.GetValueOrDefault(status) + 1;
        if (status.StartsWith("http-", StringComparison.Ordinal))
        {
            sample ??= $"HTTP {(int)response.StatusCode} without grpc-status (the server does not serve {path} on this port)";
        }
        else if (status != "0")
        {
            sample ??= $"grpc-status {status} ({(StatusCode)int.Parse(status, CultureInfo.InvariantCulture)}): {Header(response, "grpc-message")}";
        }
    }

    var summary = string.Join(", ", statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Key.StartsWith("http-", StringComparison.Ordinal) ? $"{s.Value}x HTTP {s.Key[5..]}" : $"{s.Value}x grpc-status {s.Key}"));
    if (sample is not null)
    {
        return Fail($"{path}: {summary}; first failure: {Uri.UnescapeDataString(sample)}");
    }

    Console.WriteLine($"{path}: {summary}");
    return 0;
}

static string? Header(HttpResponseMessage response, string name) =>
    response.TrailingHeaders.TryGetValues(name, out var trailer) ? trailer.First()
    : response.Headers.TryGetValues(name, out var header) ? header.First()
    : null;

static string BenchValue(int bytes) => new('v', bytes);

static Dictionary<string, string> ParseOptions(ReadOnlySpan<string> args)
{
    var options = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        options[args[i].TrimStart('-')] = args[i + 1];
    }

    return options;
}

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 1;
}
