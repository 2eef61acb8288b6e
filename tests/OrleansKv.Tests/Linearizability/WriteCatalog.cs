namespace OrleansKv.Tests.Linearizability;

/// <summary>
/// The writes of one key's history, numbered, and what is known of each: the value it wrote (unique) and the ETag the
/// server gave it, learned from its own answer or from any read that returned its value. The register model's state
/// is "which write is current", so reads and If-Match conditions are resolved to write numbers here, once.
/// </summary>
internal sealed class WriteCatalog
{
    /// <summary>A read of a value no write wrote, or an If-Match naming an ETag no write had.</summary>
    public const int NoSuchWrite = -2;

    /// <summary>The key is absent.</summary>
    public const int Absent = -1;

    private readonly Dictionary<string, int> _byValue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byETag = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _etagOf = [];
    private readonly List<string> _anomalies = [];

    public WriteCatalog(IReadOnlyList<Operation> ops)
    {
        WriteOf = new int[ops.Count];
        for (var i = 0; i < ops.Count; i++)
        {
            WriteOf[i] = Absent;
            if (ops[i].Kind is OpKind.Put or OpKind.PutIfMatch or OpKind.PutIfNoneMatch)
            {
                var value = ops[i].Value ?? throw new ArgumentException($"op {ops[i].Id}: a write needs a value");
                if (!_byValue.TryAdd(value, WriteCount))
                {
                    throw new ArgumentException($"op {ops[i].Id}: value '{value}' is written twice; every write must write a unique value");
                }

                WriteOf[i] = WriteCount++;
            }
        }

        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
            if (op.Outcome.Kind != OutcomeKind.Ok || op.Outcome.ETag is not { } etag)
            {
                continue;
            }

            if (op.Kind == OpKind.Read && op.Outcome.Value is { } read)
            {
                if (_byValue.TryGetValue(read, out var w))
                {
                    Learn(w, etag, op);
                }
            }
            else if (WriteOf[i] >= 0)
            {
                Learn(WriteOf[i], etag, op);
            }
        }
    }

    /// <summary>How many writes (puts of any kind) the history has.</summary>
    public int WriteCount { get; }

    /// <summary>Per operation (by position): the write number it makes, else <see cref="Absent"/>.</summary>
    public int[] WriteOf { get; }

    /// <summary>ETag inconsistencies found while learning: each is itself a violation.</summary>
    public IReadOnlyList<string> Anomalies => _anomalies;

    /// <summary>The write whose value a read returned; <see cref="NoSuchWrite"/> when none wrote it.</summary>
    public int ByValue(string value) => _byValue.TryGetValue(value, out var w) ? w : NoSuchWrite;

    /// <summary>The write an ETag belongs to; <see cref="NoSuchWrite"/> when no write is known to have it.</summary>
    public int ByETag(string etag) => _byETag.TryGetValue(etag, out var w) ? w : NoSuchWrite;

    private void Learn(int write, string etag, Operation op)
    {
        if (_etagOf.TryGetValue(write, out var known) && known != etag)
        {
            _anomalies.Add($"op {op.Id} (client {op.Client}): the value of write #{write} is seen with ETag {etag}, but it had ETag {known}");
            return;
        }

        if (_byETag.TryGetValue(etag, out var other) && other != write)
        {
            _anomalies.Add($"op {op.Id} (client {op.Client}): ETag {etag} is seen on two different writes (#{other} and #{write})");
            return;
        }

        _etagOf[write] = etag;
        _byETag[etag] = write;
    }
}
