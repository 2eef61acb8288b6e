using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace OrleansKv.Grpc;

/// <summary>The body of a client call: one frame, serialized straight into the request stream.</summary>
internal sealed class GrpcRequestContent : HttpContent
{
    private static readonly MediaTypeHeaderValue GrpcMediaType = new(GrpcProtocol.ContentType);

    private readonly IMessage _message;
    private readonly int _size;

    public GrpcRequestContent(IMessage message, int size)
    {
        _message = message;
        _size = size;
        Headers.ContentType = GrpcMediaType;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        GrpcFrameWriter.WriteHeader(writer, _size);
        if (_size > 0)
        {
            _message.WriteTo(writer);
        }

        await writer.FlushAsync(cancellationToken);
        await writer.CompleteAsync();
    }

    protected override bool TryComputeLength(out long length)
    {
        length = GrpcFrameReader.HeaderSize + _size;
        return true;
    }
}
