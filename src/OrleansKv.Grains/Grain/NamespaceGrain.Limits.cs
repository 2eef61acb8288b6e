using Orleans.Storage;

namespace OrleansKv.Grains;

/// <summary>
/// Quotas: max keys, max bytes and max value size, from the configured defaults under the namespace's overrides (grain
/// state). A write is checked under the write gate against the committed usage plus the usage of every staged unit
/// not yet durable, so concurrent writes cannot overshoot a quota; deletes and shrinking writes always pass.
/// </summary>
public sealed partial class NamespaceGrain
{
    /// <summary>The grain storage provider that keeps namespace limits.</summary>
    public const string LimitsStorageName = "namespace-limits";

    private readonly SemaphoreSlim _limitsGate = new(1, 1);
    private QuotaLimits _quotas;

    public async ValueTask<NamespaceLimitsInfo> GetLimitsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfRetired();
        await EnsureOwnedAsync();
        return LimitsInfo();
    }

    public async ValueTask<NamespaceLimitsInfo> SetLimitsAsync(NamespaceLimits overrides, CancellationToken cancellationToken = default)
    {
        ThrowIfRetired();
        ArgumentNullException.ThrowIfNull(overrides);
        if (overrides.Problem(_options.MaxValueBytes) is { } problem)
        {
            throw new KvErrorException(KvErrorCode.InvalidLimits, problem);
        }

        await _limitsGate.WaitAsync(CancellationToken.None);
        try
        {
            await EnsureOwnedAsync();
            var previous = _limits.State.Overrides;
            _limits.State.Overrides = overrides;
            try
            {
                await _limits.WriteStateAsync(CancellationToken.None);
            }
            catch (InconsistentStateException ex)
            {
                // Another activation wrote the state: this one is stale, and nothing was applied.
                _limits.State.Overrides = previous;
                Retire(new NamespaceMovedException());
                throw new NamespaceMovedException("The namespace moved to another activation; the limits were not changed. Retry.", ex);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _limits.State.Overrides = previous;
                throw new Storage.NamespaceStoreException($"Grain storage failed to write the limits; the outcome is unknown. {ex.GetType().Name}: {ex.Message}");
            }

            _quotas = QuotasOf(overrides);
            return LimitsInfo();
        }
        finally
        {
            _limitsGate.Release();
        }
    }

    private NamespaceLimitsInfo LimitsInfo() => new(_limits.State.Overrides, _quotas, _keyCount, _totalBytes);

    private QuotaLimits QuotasOf(NamespaceLimits overrides) => new(
        overrides.MaxKeys ?? _options.MaxKeys,
        overrides.MaxBytes ?? _options.MaxBytes,
        Math.Min(overrides.MaxValueBytes ?? _options.MaxValueBytes, _options.MaxValueBytes));

    /// <summary>Refuses a value above the namespace's max_value_bytes (the server-wide limit is checked first).</summary>
    private void CheckValueQuota(int length)
    {
        if (length > _quotas.MaxValueBytes)
        {
            _metrics.QuotaRefused(QuotaKind.ValueSize);
            throw new NamespaceQuotaException(QuotaKind.ValueSize, $"The value is {length} bytes; this namespace accepts values of at most {_quotas.MaxValueBytes} bytes (max_value_bytes).");
        }
    }

    /// <summary>
    /// Null when staging <paramref name="usage"/> keeps the namespace within its quotas, counting staged units that
    /// are not durable yet; otherwise the refusal. Called under the write gate.
    /// </summary>
    private NamespaceQuotaException? QuotaRefusal(UsageDelta usage)
    {
        var staged = _commits.StagedUsage;
        var keys = _keyCount + staged.Keys;
        var bytes = _totalBytes + staged.Bytes;
        NamespaceQuotaException? refusal = null;
        if (usage.Keys > 0 && _quotas.MaxKeys > 0 && keys + usage.Keys > _quotas.MaxKeys)
        {
            refusal = new NamespaceQuotaException(QuotaKind.Keys, $"The namespace holds {keys} keys and its quota is {_quotas.MaxKeys} (max_keys); this write needs {usage.Keys} more. Delete keys or ask for a higher quota.");
        }
        else if (usage.Bytes > 0 && _quotas.MaxBytes > 0 && bytes + usage.Bytes > _quotas.MaxBytes)
        {
            refusal = new NamespaceQuotaException(QuotaKind.Bytes, $"The namespace holds {bytes} bytes and its quota is {_quotas.MaxBytes} (max_bytes); this write needs {usage.Bytes} more. Delete keys or ask for a higher quota.");
        }

        if (refusal is not null)
        {
            _metrics.QuotaRefused(refusal.Kind);
        }

        return refusal;
    }

    /// <summary>
    /// Answers a quota refusal. It was decided against staged writes too, so (docs/consistency.md) it is given only once
    /// they are durable: <paramref name="pending"/> is the last unit staged when it was decided.
    /// </summary>
    private static async Task<T> RefuseAsync<T>(NamespaceQuotaException refusal, CommitUnit? pending)
    {
        await DurableAsync(pending);
        throw refusal;
    }
}
