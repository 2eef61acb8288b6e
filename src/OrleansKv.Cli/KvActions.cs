using System.Globalization;
using System.Text.Json;
using OrleansKv.Client;

namespace OrleansKv.Cli;

/// <summary>What each command does with the client; results on stdout, errors as one line on stderr.</summary>
internal static class KvActions
{
    public static async Task<int> GetAsync(KvClient kv, string key, CancellationToken ct)
    {
        if (await kv.TryGetAsync(key, cancellationToken: ct) is not { } entry)
        {
            return NotFound(key);
        }

        Console.Out.WriteLine(entry.ValueAsString());
        return ExitCodes.Ok;
    }

    public static async Task<int> SetAsync(KvClient kv, string key, string value, int? ttl, CancellationToken ct)
    {
        var written = await kv.SetAsync(key, value, ttl is { } s ? new KvSetOptions { Ttl = TimeSpan.FromSeconds(s) } : null, cancellationToken: ct);
        Console.Out.WriteLine($"OK {written.ETag}");
        return ExitCodes.Ok;
    }

    public static async Task<int> DeleteAsync(KvClient kv, string key, CancellationToken ct) =>
        await kv.DeleteAsync(key, cancellationToken: ct) ? Ok() : NotFound(key);

    public static async Task<int> ListAsync(KvClient kv, string prefix, int limit, CancellationToken ct)
    {
        await foreach (var item in kv.ListAsync(prefix, limit: limit, cancellationToken: ct))
        {
            Console.Out.WriteLine(item.Key);
        }

        return ExitCodes.Ok;
    }

    public static async Task<int> TtlAsync(KvClient kv, string key, CancellationToken ct)
    {
        if (await kv.TryGetAsync(key, cancellationToken: ct) is not { } entry)
        {
            return NotFound(key);
        }

        var left = entry.ExpiresAt is { } at ? (long)Math.Ceiling(Math.Max(0, (at - DateTimeOffset.UtcNow).TotalSeconds)) : -1;
        Console.Out.WriteLine(left.ToString(CultureInfo.InvariantCulture));
        return ExitCodes.Ok;
    }

    public static async Task<int> CasAsync(KvClient kv, string key, string etag, string value, CancellationToken ct)
    {
        var quoted = etag.StartsWith('"') ? etag : $"\"{etag}\"";
        try
        {
            var written = await kv.SetAsync(key, value, new KvSetOptions { IfMatch = quoted }, cancellationToken: ct);
            Console.Out.WriteLine($"OK {written.ETag}");
            return ExitCodes.Ok;
        }
        catch (KvPreconditionFailedException)
        {
            Console.Error.WriteLine($"error: {key} is not at version {quoted}");
            return ExitCodes.NotFound;
        }
    }

    public static async Task<int> BatchAsync(KvClient kv, FileInfo file, CancellationToken ct)
    {
        List<KvBatchOperation> operations;
        try
        {
            operations = BatchFile.Read(await File.ReadAllTextAsync(file.FullName, ct));
        }
        catch (Exception ex) when (ex is IOException or JsonException or FormatException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {file.Name}: {ex.Message}");
            return ExitCodes.Usage;
        }

        var result = await kv.BatchAsync(operations, cancellationToken: ct);
        foreach (var op in result.Results)
        {
            Console.Out.WriteLine(op.Value.IsEmpty ? $"{op.Status} {op.Key}" : $"{op.Status} {op.Key} {System.Text.Encoding.UTF8.GetString(op.Value.Span)}");
        }

        if (!result.Applied)
        {
            Console.Error.WriteLine("error: the batch was not applied (a condition failed)");
            return ExitCodes.NotFound;
        }

        return ExitCodes.Ok;
    }

    /// <summary>Runs an action, turning the client's failures into one error line and an exit code.</summary>
    public static async Task<int> GuardAsync(KvClient client, Func<KvClient, CancellationToken, Task<int>> action, CancellationToken ct)
    {
        try
        {
            return await action(client, ct);
        }
        catch (KvException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ex switch
            {
                KvUnauthenticatedException or KvPermissionDeniedException => ExitCodes.Denied,
                KvInvalidArgumentException => ExitCodes.Usage,
                KvNotFoundException or KvPreconditionFailedException => ExitCodes.NotFound,
                _ => ExitCodes.Unavailable,
            };
        }
        catch (HttpRequestException ex)
        {
            Console.Error.WriteLine($"error: cannot reach the server: {ex.Message}");
            return ExitCodes.Unavailable;
        }
    }

    private static int Ok()
    {
        Console.Out.WriteLine("OK");
        return ExitCodes.Ok;
    }

    private static int NotFound(string key)
    {
        Console.Error.WriteLine($"error: not found: {key}");
        return ExitCodes.NotFound;
    }
}
