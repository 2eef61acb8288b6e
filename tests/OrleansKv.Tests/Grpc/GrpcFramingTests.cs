using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using OrleansKv.Grpc;

namespace OrleansKv.Tests.Grpc;

public sealed class GrpcFramingTests
{
    private static readonly GrpcReadSettings Settings = new(1024, null, GrpcMessageDirection.Request);

    private static byte[] Payload(string value) => new StringValue { Value = value }.ToByteArray();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void IncompleteHeaderNeedsMoreBytes(int available)
    {
        var buffer = new ReadOnlySequence<byte>(RawGrpc.Frame(Payload("hello"))[..available]);

        Assert.False(GrpcFrameReader.TryReadFrame(ref buffer, 1024, out _));
        Assert.Equal(available, buffer.Length);
    }

    [Fact]
    public void IncompletePayloadNeedsMoreBytes()
    {
        var frame = RawGrpc.Frame(Payload("hello"));
        var buffer = new ReadOnlySequence<byte>(frame[..^1]);

        Assert.False(GrpcFrameReader.TryReadFrame(ref buffer, 1024, out _));
        Assert.Equal(frame.Length - 1, buffer.Length);
    }

    [Fact]
    public void FrameSplitAcrossSegmentsIsReadAndBufferAdvanced()
    {
        var first = RawGrpc.Frame(Payload("hello world"));
        var second = RawGrpc.Frame(Payload("next"));
        // Header split 2+3 bytes, payload split in three, second frame glued to the end of the first.
        var buffer = SequenceFactory.Split([.. first, .. second], 2, 3, 4, 4);
        Assert.False(buffer.IsSingleSegment);

        Assert.True(GrpcFrameReader.TryReadFrame(ref buffer, 1024, out var frame));
        Assert.False(frame.IsCompressed);
        Assert.Equal("hello world", StringValue.Parser.ParseFrom(frame.Payload).Value);
        Assert.Equal(second.Length, buffer.Length);

        Assert.True(GrpcFrameReader.TryReadFrame(ref buffer, 1024, out frame));
        Assert.Equal("next", StringValue.Parser.ParseFrom(frame.Payload).Value);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void EmptyMessageIsAFrameOfLengthZero()
    {
        var buffer = new ReadOnlySequence<byte>(RawGrpc.Frame([]));

        Assert.True(GrpcFrameReader.TryReadFrame(ref buffer, 1024, out var frame));
        Assert.True(frame.Payload.IsEmpty);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void OversizeLengthIsRejectedAsSoonAsTheHeaderArrives()
    {
        var header = RawGrpc.Frame(new byte[2048])[..5];
        var buffer = SequenceFactory.Split(header, 3);

        var ex = Assert.Throws<RpcException>(() => GrpcFrameReader.TryReadFrame(ref buffer, 1024, out _));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("2048", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void LengthAboveInt32IsRejectedNotOverflowed()
    {
        var buffer = new ReadOnlySequence<byte>([0, 0xFF, 0xFF, 0xFF, 0xFF]);

        var ex = Assert.Throws<RpcException>(() => GrpcFrameReader.TryReadFrame(ref buffer, int.MaxValue, out _));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public void CompressedFlagIsReported()
    {
        var buffer = new ReadOnlySequence<byte>(RawGrpc.Frame([1, 2, 3], flag: 1));

        Assert.True(GrpcFrameReader.TryReadFrame(ref buffer, 1024, out var frame));
        Assert.True(frame.IsCompressed);
        Assert.Equal(new byte[] { 1, 2, 3 }, frame.Payload.ToArray());
    }

    [Fact]
    public void InvalidCompressedFlagIsMalformed()
    {
        var buffer = new ReadOnlySequence<byte>(RawGrpc.Frame([1], flag: 2));

        var ex = Assert.Throws<RpcException>(() => GrpcFrameReader.TryReadHeader(buffer, out _, out _));
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public void WriterProducesHeaderAndProtobufBytes()
    {
        var message = new StringValue { Value = "héllo" };
        var writer = new ArrayBufferWriter<byte>();

        GrpcFrameWriter.WriteMessage(writer, message);

        Assert.Equal(RawGrpc.Frame(message.ToByteArray()), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void WriterRejectsMessageAboveSendLimit()
    {
        var writer = new ArrayBufferWriter<byte>();

        var ex = Assert.Throws<RpcException>(() => GrpcFrameWriter.WriteMessage(writer, new StringValue { Value = new string('a', 100) }, 50));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal(0, writer.WrittenCount);
    }

    [Fact]
    public async Task ReaderAssemblesMessagesDeliveredByteByByte()
    {
        var pipe = new Pipe();
        byte[] bytes = [.. RawGrpc.Frame(Payload("one")), .. RawGrpc.Frame(Payload("two"))];
        var writing = Task.Run(async () =>
        {
            foreach (var b in bytes)
            {
                await pipe.Writer.WriteAsync(new[] { b });
            }

            await pipe.Writer.CompleteAsync();
        });

        var first = await GrpcMessageReader.ReadMessageAsync(pipe.Reader, StringValue.Parser, Settings, default);
        var second = await GrpcMessageReader.ReadMessageAsync(pipe.Reader, StringValue.Parser, Settings, default);
        var end = await GrpcMessageReader.ReadMessageAsync(pipe.Reader, StringValue.Parser, Settings, default);
        await writing;

        Assert.Equal("one", first?.Value);
        Assert.Equal("two", second?.Value);
        Assert.Null(end);
    }

    [Fact]
    public async Task EndOfStreamInsideAFrameIsIncomplete()
    {
        var ex = await ReadSingleAsync(RawGrpc.Frame(Payload("hello"))[..^2], Settings);

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal("Incomplete message.", ex.Detail);
    }

    [Fact]
    public async Task GzipCompressedFrameIsDecompressed()
    {
        var pipe = await FilledPipeAsync(RawGrpc.Frame(Gzip(Payload("compressed!")), flag: 1));

        var message = await GrpcMessageReader.ReadSingleMessageAsync(pipe.Reader, StringValue.Parser, Settings with { Encoding = "gzip" }, default);

        Assert.Equal("compressed!", message.Value);
    }

    [Fact]
    public async Task GzipBombIsBoundedByTheReceiveLimit()
    {
        var large = Payload(new string('a', 10_000));
        var compressed = Gzip(large);
        Assert.True(compressed.Length < 1024);

        var ex = await ReadSingleAsync(RawGrpc.Frame(compressed, flag: 1), Settings with { Encoding = "gzip" });

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Theory]
    [InlineData(null, StatusCode.Internal)]
    [InlineData("identity", StatusCode.Internal)]
    [InlineData("snappy", StatusCode.Unimplemented)]
    public async Task CompressedFrameWithoutSupportedEncodingIsRejected(string? encoding, StatusCode expected)
    {
        var ex = await ReadSingleAsync(RawGrpc.Frame(Payload("x"), flag: 1), Settings with { Encoding = encoding });

        Assert.Equal(expected, ex.StatusCode);
        if (expected == StatusCode.Unimplemented)
        {
            Assert.Contains("Compression not supported", ex.Detail, StringComparison.Ordinal);
            Assert.Contains("gzip", ex.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CorruptGzipIsInternal()
    {
        var ex = await ReadSingleAsync(RawGrpc.Frame([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], flag: 1), Settings with { Encoding = "gzip" });

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task UnparsableProtobufIsInternalFailedToDeserialize()
    {
        // Field 1, length-delimited, claims 5 bytes but carries 1.
        var ex = await ReadSingleAsync(RawGrpc.Frame([0x0A, 0x05, 0x61]), Settings);

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal("Failed to deserialize request message.", ex.Detail);
    }

    [Fact]
    public async Task SingleMessageReadRejectsASecondMessage()
    {
        var ex = await ReadSingleAsync([.. RawGrpc.Frame(Payload("a")), .. RawGrpc.Frame(Payload("b"))], Settings);

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal("Additional data after the message received.", ex.Detail);
    }

    [Fact]
    public async Task SingleMessageReadRejectsAnEmptyStream()
    {
        var ex = await ReadSingleAsync([], Settings);

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal("Incomplete message.", ex.Detail);
    }

    private static async Task<RpcException> ReadSingleAsync(byte[] bytes, GrpcReadSettings settings)
    {
        var pipe = await FilledPipeAsync(bytes);
        return await Assert.ThrowsAsync<RpcException>(
            async () => await GrpcMessageReader.ReadSingleMessageAsync(pipe.Reader, StringValue.Parser, settings, default));
    }

    private static async Task<Pipe> FilledPipeAsync(byte[] bytes)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(bytes);
        await pipe.Writer.CompleteAsync();
        return pipe;
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
