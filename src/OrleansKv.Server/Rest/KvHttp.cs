using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using OrleansKv.Grains;
using OrleansKv.Server.Auth;
using OrleansKv.Server.Namespaces;

namespace OrleansKv.Server.Rest;

/// <summary>What the REST handlers share: the caller's namespace grain, ETags, bounded body reads, timestamps.</summary>
internal static class KvHttp
{
    /// <summary>The grain of the caller's namespace (the policy already required one).</summary>
    public static NamespaceHandle Namespace(HttpContext context, NamespaceCalls calls) =>
        new(calls, KvPrincipal.From(context)?.Namespace ?? throw new InvalidOperationException("The route's policy must require a namespace."));

    public static string ETag(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    /// <summary>Parses one entity tag: <c>"12"</c>, <c>W/"12"</c> or a bare <c>12</c>.</summary>
    public static bool TryParseETag(string? value, out long version)
    {
        version = 0;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var span = value.AsSpan().Trim();
        if (span.StartsWith("W/"))
        {
            span = span[2..];
        }

        if (span.Length >= 2 && span[0] == '"' && span[^1] == '"')
        {
            span = span[1..^1];
        }

        return long.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out version) && version > 0;
    }

    /// <summary>
    /// Reads an If-Match condition: null when absent, <see cref="SetCommand.AnyVersion"/> for <c>*</c>, else the version
    /// of one ETag (<c>"12"</c>, <c>W/"12"</c> or <c>12</c>). Anything else is malformed, a bad request on every
    /// protocol (<see cref="KvErrorCode.InvalidCondition"/>), not a condition that fails.
    /// </summary>
    /// <param name="header">The header or field; null or empty when absent.</param>
    /// <param name="name">How the caller names the condition in the error (<c>If-Match</c>, <c>if_match</c>).</param>
    public static long? IfMatch(string? header, string name = "If-Match")
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        if (header.Trim() == "*")
        {
            return SetCommand.AnyVersion;
        }

        return TryParseETag(header, out var version)
            ? version
            : throw new KvErrorException(KvErrorCode.InvalidCondition, $"{name} '{Shorten(header)}' is not an ETag (\"12\", 12 or *).");
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>Reads a whole request body, refusing more than <paramref name="max"/> bytes with 413.</summary>
    public static async Task<(byte[]? Body, IResult? Error)> ReadBodyAsync(HttpRequest request, int max, string what, CancellationToken cancellationToken)
    {
        if (request.ContentLength > max)
        {
            return (null, ApiErrors.Result(KvErrorCode.ValueTooLarge, $"The {what} is {request.ContentLength} bytes; at most {max} bytes are accepted."));
        }

        var reader = request.BodyReader;
        while (true)
        {
            ReadResult read;
            try
            {
                read = await reader.ReadAsync(cancellationToken);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return (null, ApiErrors.Result(KvErrorCode.ValueTooLarge, $"The {what} is larger than the server accepts ({max} bytes)."));
            }

            if (read.Buffer.Length > max)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                return (null, ApiErrors.Result(KvErrorCode.ValueTooLarge, $"The {what} is larger than {max} bytes."));
            }

            if (read.IsCompleted || read.IsCanceled)
            {
                var body = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);
                return (body, null);
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    /// <summary>RFC 3339 UTC with milliseconds.</summary>
    public static string Timestamp(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset? Time(long? unixMs) => unixMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>Checks a TTL in seconds: positive and at most ten years.</summary>
    public static bool TryTtl(long? seconds, out TimeSpan? ttl, out IResult? error)
    {
        ttl = null;
        error = null;
        if (seconds is null)
        {
            return true;
        }

        if (seconds is < 1 or > 315_360_000)
        {
            error = ApiErrors.Result(KvErrorCode.InvalidTtl, "ttl_seconds must be a whole number from 1 to 315360000 (ten years).");
            return false;
        }

        ttl = TimeSpan.FromSeconds(seconds.Value);
        return true;
    }
}
