namespace OrleansKv.Grpc;

/// <summary>
/// Describes one registered method. Attached to its endpoint as metadata, so middleware (metrics,
/// auth) and meta-tests can read the metrics label and auth policy of every method.
/// </summary>
public sealed class GrpcMethodInfo
{
    internal GrpcMethodInfo(string fullName, GrpcMethodKind kind, Type requestType, Type responseType)
    {
        var slash = fullName.LastIndexOf('/');
        FullName = fullName;
        ServiceName = fullName[1..slash];
        MethodName = fullName[(slash + 1)..];
        Kind = kind;
        RequestType = requestType;
        ResponseType = responseType;
    }

    /// <summary>The request path, <c>/package.Service/Method</c>.</summary>
    public string FullName { get; }

    /// <summary><c>package.Service</c>.</summary>
    public string ServiceName { get; }

    /// <summary><c>Method</c>.</summary>
    public string MethodName { get; }

    public GrpcMethodKind Kind { get; }

    public Type RequestType { get; }

    public Type ResponseType { get; }

    /// <summary>Label for metrics (e.g. <c>kv.get</c>); null until set.</summary>
    public string? MetricsLabel { get; set; }

    /// <summary>Name of the authorization policy the method needs; null until set.</summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>True when the method deliberately needs no credential (health checks).</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Free-form tags for other cross-cutting concerns (rate-limit policy, audit, ...).</summary>
    public IDictionary<string, object?> Metadata { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>Sets <see cref="MetricsLabel"/>.</summary>
    public GrpcMethodInfo WithMetricsLabel(string label)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        MetricsLabel = label;
        return this;
    }

    /// <summary>Sets <see cref="AuthorizationPolicy"/>.</summary>
    public GrpcMethodInfo RequireAuthorization(string policy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policy);
        AuthorizationPolicy = policy;
        AllowAnonymous = false;
        return this;
    }

    /// <summary>Marks the method as needing no credential (<see cref="AllowAnonymous"/>).</summary>
    public GrpcMethodInfo AllowAnonymousAccess()
    {
        AllowAnonymous = true;
        AuthorizationPolicy = null;
        return this;
    }

    /// <summary>Adds or replaces an entry of <see cref="Metadata"/>.</summary>
    public GrpcMethodInfo WithMetadata(string key, object? value)
    {
        Metadata[key] = value;
        return this;
    }

    public override string ToString() => FullName;
}
