using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using OrleansKv.Grpc;

namespace OrleansKv.Tests.Grpc;

/// <summary>
/// A hand-written test service on well-known protobuf types (no .proto needed), package "test",
/// service "Echo". Handlers report what they observed through <see cref="Signals"/>.
/// </summary>
internal sealed class EchoService
{
    public const string Echo = "/test.Echo/Echo";
    public const string Fail = "/test.Echo/Fail";
    public const string Throw = "/test.Echo/Throw";
    public const string Metadata = "/test.Echo/Metadata";
    public const string Wait = "/test.Echo/Wait";
    public const string Hang = "/test.Echo/Hang";
    public const string Deadline = "/test.Echo/Deadline";
    public const string Big = "/test.Echo/Big";
    public const string Repeat = "/test.Echo/Repeat";
    public const string RepeatThenFail = "/test.Echo/RepeatThenFail";
    public const string Infinite = "/test.Echo/Infinite";

    public const string SecretText = "secret-password-123";

    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _signals = new(StringComparer.Ordinal);

    /// <summary>Completed by a handler with what happened to call <paramref name="id"/> ("deadline", "aborted", "started", ...).</summary>
    public TaskCompletionSource<string> Signal(string id) =>
        _signals.GetOrAdd(id, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Register(GrpcServiceRegistry registry)
    {
        registry.AddUnary(Echo, StringValue.Parser, (request, _) => ValueTask.FromResult(new StringValue { Value = request.Value }))
            .WithMetricsLabel("echo.echo").RequireAuthorization("test");

        registry.AddUnary<StringValue, Empty>(Fail, StringValue.Parser, (request, _) =>
                throw new RpcException(
                    StatusCode.InvalidArgument,
                    request.Value,
                    new GrpcMetadata().Add("x-error-info", "details").Add("x-error-bin", [1, 2, 3])))
            .WithMetricsLabel("echo.fail").RequireAuthorization("test");

        registry.AddUnary<StringValue, Empty>(Throw, StringValue.Parser, (_, _) => throw new InvalidOperationException(SecretText))
            .WithMetricsLabel("echo.throw").RequireAuthorization("test");

        registry.AddUnary(Metadata, StringValue.Parser, EchoMetadata)
            .WithMetricsLabel("echo.metadata").AllowAnonymousAccess();

        registry.AddUnary(Wait, StringValue.Parser, WaitForCancellationAsync)
            .WithMetricsLabel("echo.wait").RequireAuthorization("test");

        registry.AddUnary(Hang, StringValue.Parser, HangUntilClientLeavesAsync)
            .WithMetricsLabel("echo.hang").RequireAuthorization("test");

        registry.AddUnary(Deadline, Empty.Parser, (_, call) => ValueTask.FromResult(new StringValue
        {
            Value = call.Deadline is { } deadline ? (deadline - DateTime.UtcNow).TotalMilliseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture) : "none",
        })).WithMetricsLabel("echo.deadline").RequireAuthorization("test");

        registry.AddUnary(Big, Int32Value.Parser, (request, _) => ValueTask.FromResult(new StringValue { Value = new string('x', request.Value) }))
            .WithMetricsLabel("echo.big").RequireAuthorization("test");

        registry.AddServerStreaming<Int32Value, StringValue>(Repeat, Int32Value.Parser, async (request, writer, call) =>
            {
                for (var i = 0; i < request.Value; i++)
                {
                    await writer.WriteAsync(new StringValue { Value = "item-" + i }, call.CancellationToken);
                }
            })
            .WithMetricsLabel("echo.repeat").RequireAuthorization("test");

        registry.AddServerStreaming<Int32Value, StringValue>(RepeatThenFail, Int32Value.Parser, async (request, writer, call) =>
            {
                for (var i = 0; i < request.Value; i++)
                {
                    await writer.WriteAsync(new StringValue { Value = "item-" + i });
                }

                throw new RpcException(StatusCode.Aborted, $"stopped after {request.Value}");
            })
            .WithMetricsLabel("echo.repeat_then_fail").RequireAuthorization("test");

        registry.AddServerStreaming<StringValue, StringValue>(Infinite, StringValue.Parser, InfiniteAsync)
            .WithMetricsLabel("echo.infinite").RequireAuthorization("test");
    }

    private static ValueTask<StringValue> EchoMetadata(StringValue request, GrpcCallContext call)
    {
        var text = call.GetHeader("x-text") ?? "<none>";
        var data = call.GetBinaryHeader("x-data-bin") ?? [];
        call.AddResponseHeader("x-echo-text", text);
        call.AddResponseHeader("x-echo-data-bin", data);
        call.ResponseTrailers.Add("x-trailer-text", "done").Add("x-trailer-bin", [9, 8, 7, 0, 255]);
        var fromMetadata = call.RequestMetadata.GetBytes("x-data-bin") ?? [];
        return ValueTask.FromResult(new StringValue
        {
            Value = $"auth={call.GetHeader("authorization")};bin-equal={fromMetadata.AsSpan().SequenceEqual(data)}",
        });
    }

    private async ValueTask<Empty> WaitForCancellationAsync(StringValue request, GrpcCallContext call)
    {
        Signal(request.Value + ":started").TrySetResult("started");
        try
        {
            await Task.Delay(Timeout.Infinite, call.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            Signal(request.Value).TrySetResult(call.HttpContext.RequestAborted.IsCancellationRequested ? "aborted" : "deadline");
            throw;
        }

        return new Empty();
    }

    /// <summary>Ignores the deadline on purpose: only the client's own timer (and its reset) can end the call.</summary>
    private async ValueTask<Empty> HangUntilClientLeavesAsync(StringValue request, GrpcCallContext call)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, call.HttpContext.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            Signal(request.Value).TrySetResult("aborted");
            throw;
        }

        return new Empty();
    }

    private async Task InfiniteAsync(StringValue request, IGrpcStreamWriter<StringValue> writer, GrpcCallContext call)
    {
        try
        {
            await writer.WriteAsync(new StringValue { Value = "first" });
            while (true)
            {
                // One message, then wait: the client decides when to stop.
                await Task.Delay(Timeout.Infinite, call.CancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            Signal(request.Value).TrySetResult(call.HttpContext.RequestAborted.IsCancellationRequested ? "aborted" : "deadline");
            throw;
        }
    }
}
