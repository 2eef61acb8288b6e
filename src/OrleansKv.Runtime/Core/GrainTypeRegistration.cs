namespace OrleansKv.Runtime;

/// <summary>
/// Everything the silo needs to know about one grain type: its name, interface, implementation, how to
/// build references to it and how to decode remote calls to it.
/// </summary>
public sealed class GrainTypeRegistration
{
    public GrainTypeRegistration(
        string typeName,
        Type interfaceType,
        Type implementationType,
        Func<GrainId, IGrainCallInvoker, object> referenceFactory,
        IGrainRequestCodec codec)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeName);
        if (typeName.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("A grain type name cannot contain '/'.", nameof(typeName));
        }

        if (!typeof(Grain).IsAssignableFrom(implementationType) || !interfaceType.IsAssignableFrom(implementationType))
        {
            throw new ArgumentException($"{implementationType} must derive from Grain and implement {interfaceType}.", nameof(implementationType));
        }

        TypeName = typeName;
        InterfaceType = interfaceType;
        ImplementationType = implementationType;
        ReferenceFactory = referenceFactory;
        Codec = codec;
    }

    /// <summary>The short stable name used in grain ids (<c>"ns"</c>).</summary>
    public string TypeName { get; }

    public Type InterfaceType { get; }

    public Type ImplementationType { get; }

    public Func<GrainId, IGrainCallInvoker, object> ReferenceFactory { get; }

    public IGrainRequestCodec Codec { get; }
}
