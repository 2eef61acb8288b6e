using Microsoft.AspNetCore.Builder;

namespace OrleansKv.Grpc;

/// <summary>
/// The endpoints <c>MapGrpcServices</c> created. Conventions added here (<c>RequireHost</c>,
/// <c>RequireAuthorization</c>, ...) apply to every method and to the unimplemented-method route;
/// <see cref="Methods"/> gives each method's own builder for per-method conventions.
/// </summary>
public sealed class GrpcEndpointConventionBuilder : IEndpointConventionBuilder
{
    private readonly List<IEndpointConventionBuilder> _all = [];
    private readonly List<KeyValuePair<GrpcMethodInfo, IEndpointConventionBuilder>> _methods = [];

    /// <summary>Each registered method with the builder of its endpoint.</summary>
    public IReadOnlyList<KeyValuePair<GrpcMethodInfo, IEndpointConventionBuilder>> Methods => _methods;

    /// <summary>The unimplemented-method route, when mapped.</summary>
    public IEndpointConventionBuilder? Unimplemented { get; private set; }

    public void Add(Action<EndpointBuilder> convention)
    {
        foreach (var builder in _all)
        {
            builder.Add(convention);
        }
    }

    public void Finally(Action<EndpointBuilder> finallyConvention)
    {
        foreach (var builder in _all)
        {
            builder.Finally(finallyConvention);
        }
    }

    /// <summary>
    /// Applies each method's <see cref="GrpcMethodInfo.AuthorizationPolicy"/> (or <see cref="GrpcMethodInfo.AllowAnonymous"/>)
    /// as ASP.NET endpoint authorization. Needs <c>UseAuthorization()</c> in the pipeline.
    /// </summary>
    public GrpcEndpointConventionBuilder RequireMethodAuthorization()
    {
        foreach (var (method, builder) in _methods)
        {
            if (method.AllowAnonymous)
            {
                builder.AllowAnonymous();
            }
            else if (method.AuthorizationPolicy is { } policy)
            {
                builder.RequireAuthorization(policy);
            }
        }

        return this;
    }

    internal void AddMethod(GrpcMethodInfo method, IEndpointConventionBuilder builder)
    {
        _methods.Add(new(method, builder));
        _all.Add(builder);
    }

    internal void SetUnimplemented(IEndpointConventionBuilder builder)
    {
        Unimplemented = builder;
        _all.Add(builder);
    }
}
