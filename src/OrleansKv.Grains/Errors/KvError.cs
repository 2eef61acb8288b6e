namespace OrleansKv.Grains;

/// <summary>An error as every protocol answers it: a machine code and a human sentence.</summary>
/// <param name="Code">The machine code.</param>
/// <param name="Message">A sentence for a person; it shows no internals.</param>
[GenerateSerializer, Immutable, Alias("OrleansKv.KvError")]
public sealed record KvError([property: Id(0)] KvErrorCode Code, [property: Id(1)] string Message)
{
    /// <summary>The code's wire name.</summary>
    public string CodeName => Code.Name();
}
