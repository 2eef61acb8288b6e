using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OrleansKv.Runtime;

/// <summary>
/// A silo incarnation: the endpoint other silos reach it on plus a generation that is new on every
/// start, so a restarted silo is a different member than the one that died.
/// </summary>
public sealed record SiloAddress(string Host, int Port, long Generation)
{
    /// <summary><c>host:port</c>, without the generation.</summary>
    public string Endpoint => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");

    /// <summary><c>host:port@generation</c>, the form used in tables and on the wire.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}@{Generation}");

    /// <summary>Parses the form produced by <see cref="ToString"/>.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SiloAddress? address)
    {
        address = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var at = text.LastIndexOf('@');
        var colon = at < 0 ? -1 : text.LastIndexOf(':', at);
        if (colon <= 0
            || !int.TryParse(text.AsSpan(colon + 1, at - colon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || !long.TryParse(text.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
        {
            return false;
        }

        address = new SiloAddress(text[..colon], port, generation);
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>.</summary>
    public static SiloAddress Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not a silo address (host:port@generation).");

    /// <summary>A generation for a silo starting now: strictly increasing across restarts of one host.</summary>
    public static long NewGeneration(TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds();
}
