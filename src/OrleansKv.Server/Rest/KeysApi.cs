using System.Buffers.Text;
using System.Globalization;
using System.Text;
using OrleansKv.Grains;
using OrleansKv.Grains.Storage;
using OrleansKv.Server.Auth;
using OrleansKv.Server.Namespaces;

namespace OrleansKv.Server.Rest;

/// <summary><c>GET /v1/keys</c>: one page of keys in byte order, with an opaque cursor to the next.</summary>
internal static class KeysApi
{
    private const int DefaultLimit = 100;

    /// <summary>
    /// The largest <c>offset=</c> still accepted, for clients written before cursors. Offsets are skipped by reading
    /// past them, so a page costs offset + limit + 1 keys read; with both bounded by 1000 a page never reads more than
    /// about two full pages. Paging is by cursor, which costs limit + 1 keys per page wherever it starts.
    /// </summary>
    public const int MaxOffset = KeyRules.MaxListLimit;
    private const string CursorMark = "k1:";

    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/keys", ListAsync).RequireAuthorization(KvPolicies.Read).WithMetadata(new RouteLabel("keys_list"));
        return app;
    }

    public static string EncodeCursor(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(CursorMark + key));

    public static bool TryDecodeCursor(string cursor, out string key)
    {
        key = string.Empty;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (!text.StartsWith(CursorMark, StringComparison.Ordinal))
            {
                return false;
            }

            key = text[CursorMark.Length..];
            return KeyRules.ValidateKey(key) is null;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static async Task<IResult> ListAsync(HttpContext context, NamespaceCalls grains)
    {
        var query = context.Request.Query;
        var prefix = query["prefix"].ToString();
        if (prefix.Length > 0 && Encoding.UTF8.GetByteCount(prefix) > KeyRules.MaxKeyBytes)
        {
            return ApiErrors.Result(KvErrorCode.InvalidPrefix, $"prefix is longer than {KeyRules.MaxKeyBytes} bytes.");
        }

        if (!TryInt(query["limit"].ToString(), DefaultLimit, 1, KeyRules.MaxListLimit, out var limit))
        {
            return ApiErrors.Result(KvErrorCode.InvalidLimit, $"limit must be a whole number from 1 to {KeyRules.MaxListLimit}.");
        }

        if (!TryInt(query["offset"].ToString(), 0, 0, int.MaxValue, out var offset))
        {
            return ApiErrors.Result(KvErrorCode.InvalidOffset, $"offset must be a whole number from 0 to {MaxOffset}.");
        }

        if (offset > MaxOffset)
        {
            return ApiErrors.Result(KvErrorCode.OffsetTooLarge,
                $"offset is at most {MaxOffset}; page with cursor= (the next_cursor of the previous page) instead, which costs the same for every page.");
        }

        string? startAfter = null;
        var cursor = query["cursor"].ToString();
        if (cursor.Length > 0)
        {
            if (!TryDecodeCursor(cursor, out var after))
            {
                return ApiErrors.Result(KvErrorCode.InvalidCursor, "cursor is not a cursor this server issued.");
            }

            startAfter = after;
        }

        // One more than asked tells whether another page exists.
        var items = new List<KeyItem>(Math.Min(limit, 256));
        var more = false;
        var skipped = 0;
        await foreach (var item in KvHttp.Namespace(context, grains).ListAsync(new ListQuery(prefix, startAfter, offset + limit + 1), context.RequestAborted))
        {
            if (skipped < offset)
            {
                skipped++;
                continue;
            }

            if (items.Count == limit)
            {
                more = true;
                break;
            }

            items.Add(ToItem(item));
        }

        var next = more ? EncodeCursor(items[^1].Key) : null;
        return TypedResults.Json(new KeysResponse(items, next), ServerJsonContext.Api.KeysResponse);
    }

    private static KeyItem ToItem(EntrySummary item) => new(item.Key, item.Size, KvHttp.ETag(item.Version), KvHttp.Time(item.ExpiresAt));

    private static bool TryInt(string text, int fallback, int min, int max, out int value)
    {
        value = fallback;
        if (text.Length == 0)
        {
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }
}
