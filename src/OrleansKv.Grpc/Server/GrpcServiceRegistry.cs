using Google.Protobuf;

namespace OrleansKv.Grpc;

/// <summary>
/// The table of gRPC methods a server serves. Register methods at start-up, then map them with
/// <c>MapGrpcServices</c>. Knows nothing of what the methods do.
/// </summary>
public sealed class GrpcServiceRegistry
{
    private readonly List<GrpcMethodHandler> _handlers = [];
    private readonly Dictionary<string, GrpcMethodHandler> _byName = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every registered method, in registration order.</summary>
    public IReadOnlyList<GrpcMethodInfo> Methods => _handlers.ConvertAll(h => h.Info);

    internal IReadOnlyList<GrpcMethodHandler> Handlers => _handlers;

    /// <summary>Registers a unary method.</summary>
    /// <param name="fullMethodName">The path, <c>/package.Service/Method</c>.</param>
    /// <param name="parser">Parser of the request message.</param>
    /// <param name="handler">Returns the response, or throws <see cref="RpcException"/> for a non-OK status.</param>
    /// <returns>The method's descriptor, to set its metrics label and auth policy.</returns>
    public GrpcMethodInfo AddUnary<TRequest, TResponse>(
        string fullMethodName,
        MessageParser<TRequest> parser,
        Func<TRequest, GrpcCallContext, ValueTask<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(handler);
        var info = new GrpcMethodInfo(ValidateName(fullMethodName), GrpcMethodKind.Unary, typeof(TRequest), typeof(TResponse));
        return Add(new UnaryMethodHandler<TRequest, TResponse>(info, parser, handler));
    }

    /// <summary>Registers a server-streaming method.</summary>
    /// <param name="fullMethodName">The path, <c>/package.Service/Method</c>.</param>
    /// <param name="parser">Parser of the request message.</param>
    /// <param name="handler">Writes responses to the writer; throws <see cref="RpcException"/> for a non-OK status.</param>
    /// <returns>The method's descriptor, to set its metrics label and auth policy.</returns>
    public GrpcMethodInfo AddServerStreaming<TRequest, TResponse>(
        string fullMethodName,
        MessageParser<TRequest> parser,
        Func<TRequest, IGrpcStreamWriter<TResponse>, GrpcCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(handler);
        var info = new GrpcMethodInfo(ValidateName(fullMethodName), GrpcMethodKind.ServerStreaming, typeof(TRequest), typeof(TResponse));
        return Add(new ServerStreamingMethodHandler<TRequest, TResponse>(info, parser, handler));
    }

    /// <summary>Finds a registered method by its path (case-insensitive, as routing is).</summary>
    public bool TryGetMethod(string fullMethodName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GrpcMethodInfo? method)
    {
        method = _byName.TryGetValue(fullMethodName, out var handler) ? handler.Info : null;
        return method is not null;
    }

    /// <summary>True when some method of <paramref name="serviceName"/> is registered.</summary>
    public bool HasService(string serviceName) =>
        _handlers.Exists(h => string.Equals(h.Info.ServiceName, serviceName, StringComparison.OrdinalIgnoreCase));

    private GrpcMethodInfo Add(GrpcMethodHandler handler)
    {
        if (!_byName.TryAdd(handler.Info.FullName, handler))
        {
            throw new InvalidOperationException($"gRPC method '{handler.Info.FullName}' is already registered.");
        }

        _handlers.Add(handler);
        return handler.Info;
    }

    /// <summary>Accepts <c>/package.Service/Method</c>: letters, digits, '_' and (in the service) '.'.</summary>
    private static string ValidateName(string fullMethodName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fullMethodName);
        var slash = fullMethodName.LastIndexOf('/');
        var valid = fullMethodName[0] == '/' && slash > 1 && slash < fullMethodName.Length - 1;
        for (var i = 1; valid && i < fullMethodName.Length; i++)
        {
            var c = fullMethodName[i];
            valid = char.IsAsciiLetterOrDigit(c) || c == '_' || (c == '.' && i < slash) || i == slash;
        }

        return valid
            ? fullMethodName
            : throw new ArgumentException($"'{fullMethodName}' is not a gRPC method path of the form /package.Service/Method.", nameof(fullMethodName));
    }
}
