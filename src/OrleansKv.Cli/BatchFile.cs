using System.Text.Json;
using OrleansKv.Client;

namespace OrleansKv.Cli;

/// <summary>Reads a batch file: the same JSON array as POST /v1/batch takes.</summary>
internal static class BatchFile
{
    public static List<KvBatchOperation> Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("a batch file holds a JSON array of operations");
        }

        var operations = new List<KvBatchOperation>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var op = Text(item, "op") ?? throw new FormatException("every operation needs \"op\"");
            var key = Text(item, "key") ?? throw new FormatException("every operation needs \"key\"");
            operations.Add(op switch
            {
                "put" => KvBatchOperation.Put(
                    key,
                    Value(item) ?? throw new FormatException($"put {key}: needs \"value\" or \"value_base64\""),
                    item.TryGetProperty("ttl_seconds", out var ttl) ? new KvSetOptions { Ttl = TimeSpan.FromSeconds(ttl.GetInt32()) } : null),
                "get" => KvBatchOperation.Get(key),
                "delete" => KvBatchOperation.Delete(key, Text(item, "if_match")),
                _ => throw new FormatException($"unknown op \"{op}\" (put, get, delete)"),
            });
        }

        return operations;
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[]? Value(JsonElement item) =>
        Text(item, "value") is { } text ? System.Text.Encoding.UTF8.GetBytes(text)
        : Text(item, "value_base64") is { } base64 ? Convert.FromBase64String(base64)
        : null;
}
