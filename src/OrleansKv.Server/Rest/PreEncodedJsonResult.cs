using System.Text.Encodings.Web;

namespace OrleansKv.Server.Rest;

/// <summary>
/// A 200 JSON answer written straight from bytes with a Content-Length: the root contract's <c>{"message":"OK"}</c>
/// and <c>{"value":"..."}</c> for a stored value that needs no escaping (the common case). The serializer path
/// would encode the value to a string and back and answer chunked; this writes it once into the response pipe.
/// </summary>
internal sealed class PreEncodedJsonResult : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    /// <summary>Values larger than this go through the serializer, which streams them.</summary>
    public const int MaxInlineValueBytes = 16 * 1024;

    private const string JsonContentType = "application/json; charset=utf-8";

    private static readonly byte[] ValuePrefix = "{\"value\":\""u8.ToArray();
    private static readonly byte[] ValueSuffix = "\"}"u8.ToArray();

    private readonly byte[] _prefix;
    private readonly byte[] _body;
    private readonly byte[] _suffix;

    private PreEncodedJsonResult(byte[] prefix, byte[] body, byte[] suffix) => (_prefix, _body, _suffix) = (prefix, body, suffix);

    /// <summary><c>{"message":"OK"}</c>, as <see cref="MessageResponse"/> serialises it.</summary>
    public static PreEncodedJsonResult MessageOk { get; } = new("{\"message\":\"OK\"}"u8.ToArray(), [], []);

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => JsonContentType;

    /// <summary>
    /// <c>{"value": ...}</c> of a stored UTF-8 value, or null when the value must go through the serializer: it is
    /// large, not valid UTF-8, or has a character the API's encoder escapes (the answer is then byte-identical).
    /// </summary>
    public static PreEncodedJsonResult? TryValue(byte[] utf8Value) =>
        utf8Value.Length <= MaxInlineValueBytes && JavaScriptEncoder.UnsafeRelaxedJsonEscaping.FindFirstCharacterToEncodeUtf8(utf8Value) < 0
            ? new PreEncodedJsonResult(ValuePrefix, utf8Value, ValueSuffix)
            : null;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var length = _prefix.Length + _body.Length + _suffix.Length;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = JsonContentType;
        response.ContentLength = length;
        var writer = response.BodyWriter;
        var span = writer.GetSpan(length);
        _prefix.CopyTo(span);
        _body.CopyTo(span[_prefix.Length..]);
        _suffix.CopyTo(span[(_prefix.Length + _body.Length)..]);
        writer.Advance(length);
        var flush = writer.FlushAsync(httpContext.RequestAborted);
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }
}
