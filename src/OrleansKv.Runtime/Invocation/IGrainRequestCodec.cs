using System.Buffers;

namespace OrleansKv.Runtime;

/// <summary>
/// Turns the method id and argument payload of a remote call back into a <see cref="GrainRequest"/>
/// on the receiving silo. One per grain interface, written next to its grain reference.
/// </summary>
public interface IGrainRequestCodec
{
    /// <summary>Reads a request; returns <c>false</c> for an unknown method id.</summary>
    bool TryReadRequest(int methodId, ReadOnlySequence<byte> arguments, out GrainRequest? request);
}
