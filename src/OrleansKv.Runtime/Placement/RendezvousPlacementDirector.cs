using System.Text;

namespace OrleansKv.Runtime;

/// <summary>
/// Rendezvous (highest random weight) hashing over the active silos: every silo computes the same owner
/// for a grain from the same membership, and when a silo leaves only its own grains move. The hash is
/// stable across processes (never <c>string.GetHashCode</c>) and ignores the silo generation, so a silo
/// restarted on the same endpoint gets its grains back.
/// </summary>
public sealed class RendezvousPlacementDirector : IPlacementDirector
{
    public SiloAddress PickSilo(GrainId grainId, MembershipSnapshot membership)
    {
        var silos = membership.ActiveSilos;
        if (silos.IsEmpty)
        {
            throw new NoActiveSilosException();
        }

        var grainHash = StableHash.Of(grainId.Type, grainId.Key);
        SiloAddress? best = null;
        ulong bestScore = 0;
        foreach (var silo in silos)
        {
            var score = StableHash.Mix(grainHash ^ StableHash.Of(silo.Host, silo.Port));
            if (best is null || score > bestScore)
            {
                best = silo;
                bestScore = score;
            }
        }

        return best!;
    }
}

/// <summary>A process-independent 64-bit hash (FNV-1a over UTF-8, finished with a SplitMix64 mixer).</summary>
internal static class StableHash
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Of(string first, string second)
    {
        var hash = Append(Offset, first);
        hash = (hash ^ 0xFF) * Prime;
        return Mix(Append(hash, second));
    }

    public static ulong Of(string host, int port)
    {
        var hash = Append(Offset, host);
        hash = (hash ^ 0xFE) * Prime;
        for (var i = 0; i < 4; i++)
        {
            hash = (hash ^ (byte)(port >> (8 * i))) * Prime;
        }

        return Mix(hash);
    }

    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong Append(ulong hash, string text)
    {
        Span<byte> buffer = stackalloc byte[256];
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var bytes = max <= buffer.Length ? buffer : new byte[max];
        var length = Encoding.UTF8.GetBytes(text, bytes);
        foreach (var b in bytes[..length])
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }
}
