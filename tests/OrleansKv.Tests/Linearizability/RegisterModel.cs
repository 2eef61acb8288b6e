namespace OrleansKv.Tests.Linearizability;

/// <summary>
/// One operation as the register model sees it. The model's state is the current write's number, or
/// <see cref="WriteCatalog.Absent"/>. <see cref="Target"/> is what the operation's answer or condition names: for a
/// read, the state it observed; for an If-Match, the write the ETag belongs to.
/// </summary>
internal readonly record struct ModelOp(OpKind Kind, OutcomeKind Outcome, int Self, int Target, bool? Created, bool? Existed);

/// <summary>
/// A register per key with the REST contract's semantics: which write is current, or absent. <see cref="Step"/> says
/// whether an operation with its recorded answer can take effect in a state, and the state after it.
/// </summary>
internal static class RegisterModel
{
    public const int Absent = WriteCatalog.Absent;

    /// <summary>The state of any write that no read or condition ever names (present, value never observed).</summary>
    public const int Unobserved = int.MaxValue;

    public static ModelOp Compile(Operation op, int self, WriteCatalog writes)
    {
        var target = op.Kind switch
        {
            OpKind.Read => op.Outcome.Value is { } value ? writes.ByValue(value) : Absent,
            OpKind.PutIfMatch or OpKind.DeleteIfMatch => op.IfMatch is { } etag ? writes.ByETag(etag) : WriteCatalog.NoSuchWrite,
            _ => Absent,
        };
        return new ModelOp(op.Kind, op.Outcome.Kind, self, target, op.Outcome.Created, op.Outcome.Existed);
    }

    /// <summary>
    /// Applies <paramref name="op"/> to <paramref name="state"/>. An operation with an unknown outcome always
    /// succeeds: it takes effect when its condition holds and is a no-op otherwise (the server may have answered
    /// 412); leaving it out entirely is linearizing it last.
    /// </summary>
    public static bool Step(in ModelOp op, int state, out int next)
    {
        next = state;
        var present = state != Absent;
        if (op.Outcome == OutcomeKind.Unknown)
        {
            next = op.Kind switch
            {
                OpKind.Read => state,
                OpKind.Put => op.Self,
                OpKind.PutIfMatch => state == op.Target ? op.Self : state,
                OpKind.PutIfNoneMatch => present ? state : op.Self,
                OpKind.Delete => Absent,
                OpKind.DeleteIfMatch => state == op.Target ? Absent : state,
                _ => state,
            };
            return true;
        }

        var failed = op.Outcome == OutcomeKind.Failed;
        switch (op.Kind)
        {
            case OpKind.Read:
                return state == op.Target;

            case OpKind.Put:
            case OpKind.PutIfMatch:
            case OpKind.PutIfNoneMatch:
                var holds = op.Kind switch
                {
                    OpKind.PutIfMatch => present && state == op.Target,
                    OpKind.PutIfNoneMatch => !present,
                    _ => true,
                };
                if (failed)
                {
                    // 412: the condition did not hold, nothing changed. (A plain PUT cannot fail.)
                    return op.Kind != OpKind.Put && !holds;
                }

                // 201 only for a key that was absent, 200 only for one that was present.
                if (!holds || (op.Created is { } created && created == present))
                {
                    return false;
                }

                next = op.Self;
                return true;

            case OpKind.Delete:
                if (failed)
                {
                    // 404: the key was absent.
                    return !present;
                }

                // 204 says the key existed; root DELETE's 200 says nothing.
                if (op.Existed == true && !present)
                {
                    return false;
                }

                next = Absent;
                return true;

            case OpKind.DeleteIfMatch:
                var matches = present && state == op.Target;
                if (failed)
                {
                    // 412 (also the answer when the key is absent).
                    return !matches;
                }

                next = Absent;
                return matches;

            default:
                return false;
        }
    }
}
