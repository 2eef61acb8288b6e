using System.Net;
using OrleansKv.Grpc;

namespace OrleansKv.Tests.Grpc;

public sealed class GrpcProtocolTests
{
    [Theory]
    [InlineData("plain ascii", "plain ascii")]
    [InlineData("50% off", "50%25 off")]
    [InlineData("line\nbreak", "line%0Abreak")]
    [InlineData("héllo ✓", "h%C3%A9llo %E2%9C%93")]
    public void StatusMessageIsPercentEncodedAsUtf8(string message, string encoded)
    {
        Assert.Equal(encoded, GrpcStatusMessage.Encode(message));
        Assert.Equal(message, GrpcStatusMessage.Decode(encoded));
    }

    [Theory]
    [InlineData("100%", "100%")]
    [InlineData("%zz%4", "%zz%4")]
    [InlineData("%e2%9c%93", "✓")]
    public void StatusMessageDecodingIsLenient(string encoded, string expected) =>
        Assert.Equal(expected, GrpcStatusMessage.Decode(encoded));

    [Theory]
    [InlineData("1H", 3_600_000_000_0L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("100m", 1_000_000L)]
    [InlineData("250u", 2_500L)]
    [InlineData("150n", 2L)]
    [InlineData("99999999m", 999_999_990_000L)]
    public void TimeoutHeaderParses(string header, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(ticks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("-1m")]
    [InlineData("1.5S")]
    [InlineData("123456789m")]
    public void InvalidTimeoutHeaderIsRejected(string header) =>
        Assert.False(GrpcTimeout.TryParse(header, out _));

    [Fact]
    public void LargestTimeoutParsesWithoutOverflow()
    {
        Assert.True(GrpcTimeout.TryParse("99999999H", out var timeout));
        Assert.Equal(TimeSpan.FromHours(99_999_999), timeout);
    }

    [Theory]
    [InlineData(0L, "1n")]
    [InlineData(1L, "100n")]
    [InlineData(10_000L, "1000000n")]
    [InlineData(1_000_000L, "100000u")]
    [InlineData(36_000_000_000L, "3600000m")]
    public void TimeoutIsFormattedInTheFinestUnitThatFits(long ticks, string expected) =>
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));

    [Theory]
    [InlineData(1)]
    [InlineData(12_345_678)]
    [InlineData(36_000_000_000L)]
    [InlineData(864_000_000_000_000L)]
    public void FormattedTimeoutNeverShortensTheDeadline(long ticks)
    {
        var formatted = GrpcTimeout.Format(TimeSpan.FromTicks(ticks));

        Assert.InRange(formatted.Length, 2, 9);
        Assert.True(GrpcTimeout.TryParse(formatted, out var parsed));
        Assert.True(parsed.Ticks >= ticks);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, StatusCode.Internal)]
    [InlineData(HttpStatusCode.Unauthorized, StatusCode.Unauthenticated)]
    [InlineData(HttpStatusCode.Forbidden, StatusCode.PermissionDenied)]
    [InlineData(HttpStatusCode.NotFound, StatusCode.Unimplemented)]
    [InlineData(HttpStatusCode.TooManyRequests, StatusCode.Unavailable)]
    [InlineData(HttpStatusCode.BadGateway, StatusCode.Unavailable)]
    [InlineData(HttpStatusCode.ServiceUnavailable, StatusCode.Unavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout, StatusCode.Unavailable)]
    [InlineData(HttpStatusCode.UnsupportedMediaType, StatusCode.Unknown)]
    [InlineData(HttpStatusCode.InternalServerError, StatusCode.Unknown)]
    public void HttpStatusMapsPerTheGrpcSpec(HttpStatusCode http, StatusCode expected) =>
        Assert.Equal(expected, GrpcResponseStatus.FromHttpStatus(http));

    [Theory]
    [InlineData(0x8L, StatusCode.Cancelled)]
    [InlineData(0x7L, StatusCode.Unavailable)]
    [InlineData(0xBL, StatusCode.ResourceExhausted)]
    [InlineData(0x2L, StatusCode.Internal)]
    public void Http2ResetCodeMapsPerTheGrpcSpec(long code, StatusCode expected) =>
        Assert.Equal(expected, GrpcResponseStatus.FromHttp2ErrorCode(code));

    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("Application/GRPC; charset=utf-8", true)]
    [InlineData("application/grpc+json", false)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void GrpcContentTypesAreRecognised(string? contentType, bool expected) =>
        Assert.Equal(expected, GrpcProtocol.IsGrpcContentType(contentType));

    [Fact]
    public void MetadataNormalisesKeysAndValidatesValues()
    {
        var metadata = new GrpcMetadata().Add("X-Trace", "abc").Add("X-Data-Bin", [1, 2]);

        Assert.Equal("x-trace", metadata[0].Key);
        Assert.Equal("abc", metadata.GetValue("x-trace"));
        Assert.Equal(new byte[] { 1, 2 }, metadata.GetBytes("x-data-bin"));
        Assert.Throws<ArgumentException>(() => metadata.Add("x-bytes-bin", "text"));
        Assert.Throws<ArgumentException>(() => metadata.Add("x-text", [1]));
        Assert.Throws<ArgumentException>(() => metadata.Add("x-text", "café"));
        Assert.Throws<ArgumentException>(() => metadata.Add("x-text", "a\r\nb: c"));
        Assert.Throws<ArgumentException>(() => metadata.Add("bad key", "v"));
    }

    [Theory]
    [InlineData("AQID", new byte[] { 1, 2, 3 })]
    [InlineData("AQI", new byte[] { 1, 2 })]
    [InlineData("AQI=", new byte[] { 1, 2 })]
    [InlineData("", new byte[0])]
    public void BinaryMetadataAcceptsPaddedAndUnpaddedBase64(string value, byte[] expected) =>
        Assert.Equal(expected, GrpcMetadata.DecodeBinaryValue(value));
}
