namespace OrleansKv.Tests.Linearizability;

/// <summary>
/// The configurations a search has explored: which definite operations are linearized, the model state, and which
/// unknown operations are. A configuration is new unless one with the same definite operations and state and a
/// subset of its unknown operations was seen: that one can do everything this one can (unknown operations never
/// have to be linearized), so if it failed this one fails too.
/// </summary>
/// <remarks>
/// The definite set is a bitset with the bits of unknown operations set from the start; the memo keeps only the
/// words between the first one not all set and the last one holding a linearized operation (usually one or two),
/// with an incremental (Zobrist) hash of the set.
/// </remarks>
internal sealed class ConfigurationMemo
{
    private readonly int[] _unknownIndex;
    private readonly ulong[] _zobrist;
    private readonly ulong[] _definite;
    private readonly int[] _wordCount;
    private readonly ulong[] _unknown;
    private readonly Dictionary<Configuration, List<ulong[]>> _seen = new(ConfigurationComparer.Instance);
    private ulong _hash;
    private int _lowWord;
    private int _highWord = -1;

    /// <param name="unknownIndex">Per operation, its number among the unknown ones, or -1 for a definite one.</param>
    public ConfigurationMemo(int[] unknownIndex)
    {
        _unknownIndex = unknownIndex;
        var n = unknownIndex.Length;
        var random = new Random(0x5eed);
        _zobrist = [.. Enumerable.Range(0, n).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 41))];
        _definite = new ulong[(n / 64) + 2];
        _wordCount = new int[_definite.Length];
        for (var i = 0; i < (_definite.Length - 1) * 64; i++)
        {
            if (i >= n || unknownIndex[i] >= 0)
            {
                _definite[i >> 6] |= 1UL << (i & 63);
            }
        }

        _definite[^1] = ulong.MaxValue - 1; // a sentinel word, never all set
        AdvanceLowWord();
        _unknown = new ulong[(unknownIndex.Count(u => u >= 0) + 63) / 64];
    }

    /// <summary>Memory taken so far, in 64-bit words.</summary>
    public long Words { get; private set; }

    /// <summary>Marks <paramref name="op"/> linearized, or no longer linearized.</summary>
    public void Flip(int op)
    {
        if (_unknownIndex[op] is var u and >= 0)
        {
            _unknown[u >> 6] ^= 1UL << (u & 63);
            return;
        }

        var word = op >> 6;
        var linearizing = (_definite[word] & (1UL << (op & 63))) == 0;
        _definite[word] ^= 1UL << (op & 63);
        _hash ^= _zobrist[op];
        if (linearizing)
        {
            _wordCount[word]++;
            _highWord = Math.Max(_highWord, word);
            AdvanceLowWord();
        }
        else
        {
            _wordCount[word]--;
            _lowWord = Math.Min(_lowWord, word);
            while (_highWord >= 0 && _wordCount[_highWord] == 0)
            {
                _highWord--;
            }
        }
    }

    /// <summary>Records the current configuration with <paramref name="state"/>; false when it, or one that dominates it, was seen.</summary>
    public bool Visit(int state)
    {
        var tail = _highWord >= _lowWord ? new ArraySegment<ulong>(_definite, _lowWord, _highWord - _lowWord + 1) : ArraySegment<ulong>.Empty;
        var probe = new Configuration(_lowWord, tail, state, _hash ^ ((ulong)(state + 3) * 0x9E3779B97F4A7C15UL));
        if (_seen.TryGetValue(probe, out var unknownSets))
        {
            foreach (var seen in unknownSets)
            {
                if (IsSubset(seen, _unknown))
                {
                    return false;
                }
            }
        }
        else
        {
            unknownSets = [];
            _seen.Add(probe with { Tail = new ArraySegment<ulong>([.. tail]) }, unknownSets);
            Words += tail.Count + 10;
        }

        unknownSets.Add((ulong[])_unknown.Clone());
        Words += _unknown.Length + 4;
        return true;
    }

    private void AdvanceLowWord()
    {
        while (_definite[_lowWord] == ulong.MaxValue)
        {
            _lowWord++;
        }
    }

    private static bool IsSubset(ulong[] small, ulong[] large)
    {
        for (var i = 0; i < small.Length; i++)
        {
            if ((small[i] & ~large[i]) != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The linearized definite operations (all up to word <see cref="LowWord"/>, then <see cref="Tail"/>) and the state.</summary>
    private readonly record struct Configuration(int LowWord, ArraySegment<ulong> Tail, int State, ulong Hash);

    private sealed class ConfigurationComparer : IEqualityComparer<Configuration>
    {
        public static readonly ConfigurationComparer Instance = new();

        public bool Equals(Configuration x, Configuration y) =>
            x.Hash == y.Hash && x.State == y.State && x.LowWord == y.LowWord && x.Tail.AsSpan().SequenceEqual(y.Tail);

        public int GetHashCode(Configuration obj) => (int)(obj.Hash ^ (obj.Hash >> 32));
    }
}
