using System.Runtime.CompilerServices;
using OrleansKv.Grains;
using OrleansKv.Grains.Storage;
using OrleansKv.Server.Auth;
using OrleansKv.Server.Limits;

namespace OrleansKv.Server.Namespaces;

/// <summary>
/// How every front end (REST, gRPC) calls a namespace grain: through Orleans' grain factory, retrying a call that
/// failed because the namespace was moving between activations or a silo went away, but only where that is safe.
/// </summary>
/// <remarks>
/// <para>Orleans never retries an application call. A read changes nothing, so it is retried on any such failure. A
/// write is retried only when it is known not to have taken effect (<see cref="NamespaceMovedException"/>: the grain
/// refused it, or its commit was fenced); when it may have (a silo died mid-call, a timeout, storage failed) the caller
/// gets the failure, which the edges answer 503 "outcome unknown". Retrying such a write blindly could apply it twice,
/// around another client's write, which no linearizable store may do.</para>
/// <para>The rate limits <see cref="Admit"/> applies come from the front end's limiter; callers built without one
/// (grain-level tools and tests) have none.</para>
/// <para>Retries back off from 20 ms to 500 ms and stop after <see cref="RetryBudget"/> or when the request ends.</para>
/// </remarks>
internal sealed partial class NamespaceCalls(IGrainFactory grains, TimeProvider time, ILogger<NamespaceCalls> logger, NamespaceRateLimiter? rates = null)
{
    /// <summary>How long a call keeps retrying: longer than failure detection plus one ownership lease.</summary>
    public static readonly TimeSpan RetryBudget = TimeSpan.FromSeconds(15);

    // GetGrain<T>(key) resolves T's grain interface type and grain type by convention on every call (it parses type
    // names); they are resolved once here and each call only builds the id.
    private readonly (GrainType Grain, GrainInterfaceType Interface) _namespaceGrainType = ResolveTypes(grains);

    public INamespaceGrain Grain(string ns) =>
        (INamespaceGrain)grains.GetGrain(GrainId.Create(_namespaceGrainType.Grain, ns), _namespaceGrainType.Interface);

    private static (GrainType, GrainInterfaceType) ResolveTypes(IGrainFactory grains)
    {
        var probe = (GrainReference)grains.GetGrain<INamespaceGrain>("type-probe");
        return (probe.GrainId.Type, probe.InterfaceType);
    }

    /// <summary>
    /// The caller's namespace, once the request is admitted by its rate limits (<see cref="RateLimitedException"/> when
    /// not). For protocols the HTTP rate limiting middleware does not cover (gRPC); REST requests are admitted there.
    /// </summary>
    public NamespaceHandle Admit(KvPrincipal caller, string protocol = "grpc")
    {
        rates?.Admit(caller, protocol);
        return new NamespaceHandle(this, caller.Namespace!);
    }

    /// <summary>
    /// Admits one command of a TCP connection by its caller's rate limits; when refused, the sentence to answer with.
    /// A refusal is common under a flood, so it is a result here rather than an exception.
    /// </summary>
    public bool TryAdmit(KvPrincipal caller, string protocol, out string refusal)
    {
        if (rates is null || rates.TryAdmit(caller, protocol, out var retryAfter))
        {
            refusal = string.Empty;
            return true;
        }

        refusal = RateLimitedException.Sentence(retryAfter);
        return false;
    }

    public ValueTask<NamespaceLimitsInfo> GetLimitsAsync(string ns, CancellationToken cancellationToken) =>
        RunAsync(ns, 0, static (g, _, ct) => g.GetLimitsAsync(ct), readOnly: true, cancellationToken);

    public ValueTask<NamespaceLimitsInfo> SetLimitsAsync(string ns, NamespaceLimits overrides, CancellationToken cancellationToken) =>
        RunAsync(ns, overrides, static (g, overrides, ct) => g.SetLimitsAsync(overrides, ct), readOnly: false, cancellationToken);

    public ValueTask<StoredEntry?> GetAsync(string ns, string key, CancellationToken cancellationToken) =>
        RunAsync(ns, key, static (g, key, ct) => g.GetAsync(key, ct), readOnly: true, cancellationToken);

    public ValueTask<SetResult> SetAsync(string ns, SetCommand command, CancellationToken cancellationToken) =>
        RunAsync(ns, command, static (g, command, ct) => g.SetAsync(command, ct), readOnly: false, cancellationToken);

    public ValueTask<DeleteResult> DeleteAsync(string ns, string key, long? ifMatch, CancellationToken cancellationToken) =>
        RunAsync(ns, (key, ifMatch), static (g, a, ct) => g.DeleteAsync(a.key, a.ifMatch, ct), readOnly: false, cancellationToken);

    public ValueTask<BatchResult> BatchAsync(string ns, IReadOnlyList<BatchOperation> operations, CancellationToken cancellationToken)
    {
        var readOnly = true;
        foreach (var op in operations)
        {
            readOnly &= op.Kind == BatchOpKind.Get;
        }

        return RunAsync(ns, operations, static (g, ops, ct) => g.BatchAsync(ops, ct), readOnly, cancellationToken);
    }

    public ValueTask<IReadOnlyList<KeyOpResult>> ExecuteAsync(string ns, IReadOnlyList<KeyOperation> operations, CancellationToken cancellationToken)
    {
        var readOnly = true;
        foreach (var op in operations)
        {
            readOnly &= op.IsRead;
        }

        return RunAsync(ns, operations, static (g, ops, ct) => g.ExecuteAsync(ops, ct), readOnly, cancellationToken);
    }

    public ValueTask<NamespaceStats> StatsAsync(string ns, CancellationToken cancellationToken) =>
        RunAsync(ns, 0, static (g, _, ct) => g.GetStatsAsync(ct), readOnly: true, cancellationToken);

    /// <summary>Streams a listing; a failure before the first item is retried, one after it ends the stream.</summary>
    public async IAsyncEnumerable<EntrySummary> ListAsync(string ns, ListQuery query, int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var enumerator = Grain(ns).ListAsync(query, cancellationToken).WithBatchSize(batchSize).GetAsyncEnumerator(cancellationToken);
            try
            {
                bool first;
                try
                {
                    first = await enumerator.MoveNextAsync();
                }
                catch (Exception ex) when (ShouldRetry(ex, readOnly: true, started, cancellationToken))
                {
                    LogRetry(logger, ns, attempt, ex);
                    await Task.Delay(Backoff(attempt), time, cancellationToken);
                    continue;
                }

                if (!first)
                {
                    yield break;
                }

                yield return enumerator.Current;
                while (await enumerator.MoveNextAsync())
                {
                    yield return enumerator.Current;
                }

                yield break;
            }
            finally
            {
                await enumerator.DisposeAsync();
            }
        }
    }

    private async ValueTask<T> RunAsync<TArg, T>(
        string ns, TArg arg, Func<INamespaceGrain, TArg, CancellationToken, ValueTask<T>> call, bool readOnly, CancellationToken cancellationToken)
    {
        var grain = Grain(ns);
        var started = time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(grain, arg, cancellationToken);
            }
            catch (Exception ex) when (ShouldRetry(ex, readOnly, started, cancellationToken))
            {
                LogRetry(logger, ns, attempt, ex);
                await Task.Delay(Backoff(attempt), time, cancellationToken);
            }
        }
    }

    private bool ShouldRetry(Exception exception, bool readOnly, long started, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && time.GetElapsedTime(started) < RetryBudget
        && (exception is NamespaceMovedException || (readOnly && IsClusterFailure(exception)));

    /// <summary>The call did not reach a live activation, or its answer did not come back: a silo died, was declared
    /// dead, refused the message, or did not answer within Orleans' response timeout.</summary>
    public static bool IsClusterFailure(Exception exception) =>
        exception is OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or Orleans.Networking.Shared.SocketConnectionException
            or TimeoutException or EnumerationAbortedException;

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(500, 20 << Math.Min(attempt - 1, 5)));

    [LoggerMessage(EventId = 3200, Level = LogLevel.Debug, Message = "Namespace {Namespace}: attempt {Attempt} failed; retrying")]
    private static partial void LogRetry(ILogger logger, string @namespace, int attempt, Exception exception);
}

/// <summary>One namespace as a front-end handler calls it (<see cref="NamespaceCalls"/>, bound to the caller's namespace).</summary>
internal readonly struct NamespaceHandle(NamespaceCalls calls, string ns)
{
    /// <summary>Listing batch: one grain round trip carries this many keys.</summary>
    public const int ListBatchSize = 256;

    public ValueTask<StoredEntry?> GetAsync(string key, CancellationToken cancellationToken) => calls.GetAsync(ns, key, cancellationToken);

    public ValueTask<SetResult> SetAsync(SetCommand command, CancellationToken cancellationToken) => calls.SetAsync(ns, command, cancellationToken);

    public ValueTask<DeleteResult> DeleteAsync(string key, long? ifMatch, CancellationToken cancellationToken) => calls.DeleteAsync(ns, key, ifMatch, cancellationToken);

    public ValueTask<BatchResult> BatchAsync(IReadOnlyList<BatchOperation> operations, CancellationToken cancellationToken) => calls.BatchAsync(ns, operations, cancellationToken);

    public IAsyncEnumerable<EntrySummary> ListAsync(ListQuery query, CancellationToken cancellationToken) =>
        calls.ListAsync(ns, query, query.Limit is > 0 and < ListBatchSize ? query.Limit : ListBatchSize, cancellationToken);
}
