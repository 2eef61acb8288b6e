using System.Collections.Frozen;

namespace OrleansKv.Runtime;

/// <summary>The grain types a silo hosts, by type name and by interface.</summary>
public sealed class GrainTypeRegistry
{
    private readonly FrozenDictionary<string, GrainTypeRegistration> _byName;
    private readonly FrozenDictionary<Type, GrainTypeRegistration> _byInterface;

    public GrainTypeRegistry(IEnumerable<GrainTypeRegistration> registrations)
    {
        var list = registrations.ToList();
        _byName = list.ToFrozenDictionary(r => r.TypeName, StringComparer.Ordinal);
        _byInterface = list.ToFrozenDictionary(r => r.InterfaceType);
    }

    public IEnumerable<GrainTypeRegistration> All => _byName.Values;

    public bool TryGet(string typeName, out GrainTypeRegistration registration) =>
        _byName.TryGetValue(typeName, out registration!);

    public GrainTypeRegistration Get(string typeName) =>
        TryGet(typeName, out var registration) ? registration : throw new InvalidOperationException($"No grain type '{typeName}' is registered with this silo.");

    public GrainTypeRegistration GetByInterface(Type interfaceType) =>
        _byInterface.TryGetValue(interfaceType, out var registration)
            ? registration
            : throw new InvalidOperationException($"No grain implements {interfaceType}; register it with AddGrain.");
}
