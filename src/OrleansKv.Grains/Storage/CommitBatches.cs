namespace OrleansKv.Grains.Storage;

/// <summary>What every store checks and plans before it applies a <see cref="CommitBatch"/>.</summary>
internal static class CommitBatches
{
    /// <summary>Validates <paramref name="batch"/> as <see cref="INamespaceStore.CommitAsync"/> documents.</summary>
    /// <exception cref="ArgumentException">A mutation is malformed or the revisions do not advance.</exception>
    public static void Validate(CommitBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(batch.Mutations, nameof(batch));
        if (batch.NewRevision <= batch.ExpectedRevision)
        {
            throw new ArgumentException("NewRevision must be greater than ExpectedRevision.", nameof(batch));
        }

        var mutations = batch.Mutations;
        for (var i = 0; i < mutations.Count; i++)
        {
            var mutation = mutations[i];
            ArgumentNullException.ThrowIfNull(mutation.Key, nameof(batch));
            if (mutation.Kind == MutationKind.Put)
            {
                if (mutation.Entry is not { } entry || !string.Equals(entry.Key, mutation.Key, StringComparison.Ordinal)
                    || entry.Value is null)
                {
                    throw new ArgumentException($"Mutation {i} is a Put without a complete entry for its key.", nameof(batch));
                }
            }
            else if (mutation.Kind != MutationKind.Delete)
            {
                throw new ArgumentException($"Mutation {i} has an unknown kind {mutation.Kind}.", nameof(batch));
            }
        }
    }

    /// <summary>
    /// Marks the mutations a later mutation of the same key replaces. The last write of a key decides its final
    /// entry and, against the entry before the batch, the same key-count and byte deltas as applying every write
    /// in order ("a later write to the same key wins"), so a store applies only that one. Null when no key repeats.
    /// </summary>
    public static bool[]? Superseded(IReadOnlyList<EntryMutation> mutations)
    {
        if (mutations.Count < 2)
        {
            return null;
        }

        var seen = new HashSet<string>(mutations.Count, StringComparer.Ordinal);
        bool[]? superseded = null;
        for (var i = mutations.Count - 1; i >= 0; i--)
        {
            if (!seen.Add(mutations[i].Key))
            {
                (superseded ??= new bool[mutations.Count])[i] = true;
            }
        }

        return superseded;
    }
}
