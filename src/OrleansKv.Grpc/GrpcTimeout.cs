namespace OrleansKv.Grpc;

/// <summary>
/// The <c>grpc-timeout</c> header: 1 to 8 ASCII digits followed by a unit,
/// H (hours), M (minutes), S (seconds), m (milliseconds), u (microseconds) or n (nanoseconds).
/// </summary>
public static class GrpcTimeout
{
    private const long MaxValue = 99_999_999;

    /// <summary>
    /// Parses a header value. A value too large for <see cref="TimeSpan"/> yields
    /// <see cref="TimeSpan.MaxValue"/> (no practical deadline).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> value, out TimeSpan timeout)
    {
        timeout = default;
        value = value.Trim();
        if (value.Length is < 2 or > 9)
        {
            return false;
        }

        long amount = 0;
        foreach (var c in value[..^1])
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            amount = (amount * 10) + (c - '0');
        }

        // Ticks per unit; nanoseconds are rounded up to the next 100 ns tick.
        long ticksPerUnit;
        switch (value[^1])
        {
            case 'H': ticksPerUnit = TimeSpan.TicksPerHour; break;
            case 'M': ticksPerUnit = TimeSpan.TicksPerMinute; break;
            case 'S': ticksPerUnit = TimeSpan.TicksPerSecond; break;
            case 'm': ticksPerUnit = TimeSpan.TicksPerMillisecond; break;
            case 'u': ticksPerUnit = TimeSpan.TicksPerMicrosecond; break;
            case 'n':
                timeout = TimeSpan.FromTicks((amount + 99) / 100);
                return true;
            default: return false;
        }

        timeout = amount > TimeSpan.MaxValue.Ticks / ticksPerUnit ? TimeSpan.MaxValue : TimeSpan.FromTicks(amount * ticksPerUnit);
        return true;
    }

    /// <summary>
    /// Formats a timeout with the finest unit whose value fits in 8 digits, rounding up so a
    /// server never sees a shorter deadline than the client. Zero or negative gives <c>1n</c>.
    /// </summary>
    public static string Format(TimeSpan timeout)
    {
        var ticks = Math.Max(timeout.Ticks, 0);
        if (ticks == 0)
        {
            return "1n";
        }

        // 100 ns ticks: nanoseconds fit while ticks <= 999_999 (99_999_900 ns).
        if (ticks <= MaxValue / 100)
        {
            return (ticks * 100).ToString(System.Globalization.CultureInfo.InvariantCulture) + "n";
        }

        ReadOnlySpan<(long TicksPerUnit, char Unit)> units =
        [
            (TimeSpan.TicksPerMicrosecond, 'u'),
            (TimeSpan.TicksPerMillisecond, 'm'),
            (TimeSpan.TicksPerSecond, 'S'),
            (TimeSpan.TicksPerMinute, 'M'),
            (TimeSpan.TicksPerHour, 'H'),
        ];
        foreach (var (ticksPerUnit, unit) in units)
        {
            var amount = (ticks / ticksPerUnit) + (ticks % ticksPerUnit == 0 ? 0 : 1);
            if (amount <= MaxValue)
            {
                return amount.ToString(System.Globalization.CultureInfo.InvariantCulture) + unit;
            }
        }

        return MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture) + "H";
    }
}
