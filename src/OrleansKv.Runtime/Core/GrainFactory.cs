namespace OrleansKv.Runtime;

/// <summary>Builds grain references from the registered reference factories.</summary>
internal sealed class GrainFactory : IGrainFactory
{
    private readonly GrainTypeRegistry _registry;
    private readonly IGrainCallInvoker _invoker;

    public GrainFactory(GrainTypeRegistry registry, IGrainCallInvoker invoker)
    {
        _registry = registry;
        _invoker = invoker;
    }

    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey
    {
        var registration = _registry.GetByInterface(typeof(TGrainInterface));
        return (TGrainInterface)registration.ReferenceFactory(new GrainId(registration.TypeName, key), _invoker);
    }
}
