using System.Buffers;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using OrleansKv.Grpc;
using OrleansKv.Protocol.V1;

namespace OrleansKv.Benchmarks;

/// <summary>gRPC framing with a typical message: a GetResponse of a 64-byte value with metadata, and a GetRequest.</summary>
public class GrpcFramingBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(1024);
    private GetResponse _response = null!;
    private ReadOnlySequence<byte> _requestFrame;
    private ReadOnlySequence<byte> _responseFrame;

    [GlobalSetup]
    public void Setup()
    {
        var now = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch.AddDays(20_000));
        _response = new GetResponse
        {
            Value = ByteString.CopyFrom(new byte[64]),
            Etag = "\"12345\"",
            ContentType = "text/plain; charset=utf-8",
            CreatedAt = now,
            UpdatedAt = now,
        };
        _requestFrame = Frame(new GetRequest { Key = "user:12345" });
        _responseFrame = Frame(_response);
    }

    [Benchmark(Description = "write GetResponse frame")]
    public int WriteResponse()
    {
        _output.ResetWrittenCount();
        GrpcFrameWriter.WriteMessage(_output, _response, 4 * 1024 * 1024);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "read + parse GetRequest frame")]
    public string ReadRequest()
    {
        var buffer = _requestFrame;
        GrpcFrameReader.TryReadFrame(ref buffer, 4 * 1024 * 1024, out var frame);
        return GetRequest.Parser.ParseFrom(frame.Payload).Key;
    }

    [Benchmark(Description = "read + parse GetResponse frame")]
    public int ReadResponse()
    {
        var buffer = _responseFrame;
        GrpcFrameReader.TryReadFrame(ref buffer, 4 * 1024 * 1024, out var frame);
        return GetResponse.Parser.ParseFrom(frame.Payload).Value.Length;
    }

    private static ReadOnlySequence<byte> Frame(IMessage message)
    {
        var writer = new ArrayBufferWriter<byte>();
        GrpcFrameWriter.WriteMessage(writer, message);
        return new ReadOnlySequence<byte>(writer.WrittenMemory.ToArray());
    }
}
