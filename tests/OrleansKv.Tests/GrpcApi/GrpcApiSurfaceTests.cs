using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrleansKv.Server.Hosting;
using OrleansKv.Server.Rest;

namespace OrleansKv.Tests.GrpcApi;

/// <summary>The standard health service, and the audit of every gRPC method's label, policy and listener.</summary>
[Collection(KvServerCollection.Name)]
public sealed class GrpcApiSurfaceTests(KvServerFixture fixture)
{
    [Theory]
    [InlineData("")]
    [InlineData("orleanskv.v1.KvStore")]
    public async Task StandardHealthCheckIsServingWithoutACredential(string service)
    {
        using var channel = fixture.Host.CreateChannel();

        var response = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = service }, RawCalls.Options(token: null));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task StandardHealthCheckOfAnUnknownServiceIsNotFound()
    {
        using var channel = fixture.Host.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "no.such.Service" }, RawCalls.Options(token: null)).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task AnUnknownMethodIsUnimplemented()
    {
        using var channel = fixture.Host.CreateChannel();
        var marshaller = Marshallers.Create<HealthCheckRequest>(m => m.ToByteArray(), HealthCheckRequest.Parser.ParseFrom);
        var nope = new Method<HealthCheckRequest, HealthCheckRequest>(MethodType.Unary, "orleanskv.v1.KvStore", "Nope", marshaller, marshaller);

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.CreateCallInvoker().AsyncUnaryCall(nope, null, RawCalls.Options(fixture.Token), new HealthCheckRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public void EveryGrpcMethodHasAMetricsLabelAndAnAuthPolicy()
    {
        var methods = GrpcEndpoints().Where(e => e.Metadata.GetMetadata<GrpcMethodMetadata>() is not null).ToList();
        static string Name(Endpoint e) => e.Metadata.GetMetadata<GrpcMethodMetadata>()!.Method.FullName;

        Assert.Equal(
            ["/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch", "/orleanskv.v1.KvStore/Batch", "/orleanskv.v1.KvStore/Delete",
             "/orleanskv.v1.KvStore/Get", "/orleanskv.v1.KvStore/HealthCheck", "/orleanskv.v1.KvStore/List", "/orleanskv.v1.KvStore/Set"],
            methods.Select(Name).Where(n => !n.Contains("Reflection", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Contains(methods, m => Name(m).EndsWith("ServerReflection/ServerReflectionInfo", StringComparison.Ordinal));
        Assert.All(methods, m => Assert.False(string.IsNullOrEmpty(m.Metadata.GetMetadata<RouteLabel>()?.Name), Name(m)));
        Assert.All(methods, m => Assert.True(Anonymous(m) ^ m.Metadata.GetMetadata<IAuthorizeData>()?.Policy is not null, Name(m)));
        Assert.Equal(methods.Count, methods.Select(m => m.Metadata.GetMetadata<RouteLabel>()!.Name).Distinct().Count());
        Assert.Equal(
            ["/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch", "/orleanskv.v1.KvStore/HealthCheck"],
            methods.Where(Anonymous).Select(Name).Where(n => !n.Contains("Reflection", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryGrpcEndpointAnswersOnTheGrpcListener()
    {
        var endpoints = GrpcEndpoints();

        Assert.Contains(endpoints, e => e.DisplayName!.Contains("Unimplemented", StringComparison.Ordinal));
        Assert.All(endpoints, e => Assert.Equal(Listener.Grpc, e.Metadata.GetMetadata<ListenerMetadata>()?.Listener));
        Assert.All(endpoints, e => Assert.NotNull(e.Metadata.GetMetadata<RouteLabel>()));
    }

    private List<Endpoint> GrpcEndpoints() =>
        fixture.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<GrpcMethodMetadata>() is not null || e.DisplayName?.StartsWith("gRPC", StringComparison.Ordinal) == true)
            .ToList();

    private static bool Anonymous(Endpoint endpoint) => endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    [Fact]
    public async Task RestRoutesDoNotAnswerOnTheGrpcPort()
    {
        using var handler = new SocketsHttpHandler();
        using var http2 = new HttpClient(handler) { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await http2.GetAsync(new Uri(fixture.Host.GrpcAddress, "/readyz"));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
