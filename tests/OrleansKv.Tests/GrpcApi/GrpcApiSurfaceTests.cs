using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrleansKv.Grpc;
using OrleansKv.Protocol.Health;
using OrleansKv.Server.Hosting;
using OrleansKv.Server.Rest;

namespace OrleansKv.Tests.GrpcApi;

/// <summary>The standard health service, and the audit of every gRPC method's label, policy and listener.</summary>
[Collection(KvServerCollection.Name)]
public sealed class GrpcApiSurfaceTests(KvServerFixture fixture)
{
    private const string Check = "/grpc.health.v1.Health/Check";

    [Theory]
    [InlineData("")]
    [InlineData("orleanskv.v1.KvStore")]
    public async Task StandardHealthCheckIsServingWithoutACredential(string service)
    {
        using var grpc = fixture.Host.CreateGrpcClient();

        var response = await grpc.UnaryAsync(Check, new HealthCheckRequest { Service = service }, HealthCheckResponse.Parser, RawCalls.Options(token: null));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task StandardHealthCheckOfAnUnknownServiceIsNotFound()
    {
        using var grpc = fixture.Host.CreateGrpcClient();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            grpc.UnaryAsync(Check, new HealthCheckRequest { Service = "no.such.Service" }, HealthCheckResponse.Parser, RawCalls.Options(token: null)));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task AnUnknownMethodIsUnimplemented()
    {
        using var grpc = fixture.Host.CreateGrpcClient();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            grpc.UnaryAsync("/orleanskv.v1.KvStore/Nope", new HealthCheckRequest(), HealthCheckResponse.Parser, RawCalls.Options(fixture.Token)));

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public void EveryGrpcMethodHasAMetricsLabelAndAnAuthPolicy()
    {
        var methods = fixture.Host.Services.GetRequiredService<GrpcServiceRegistry>().Methods;

        Assert.Equal(
            [Check, "/orleanskv.v1.KvStore/Batch", "/orleanskv.v1.KvStore/Delete", "/orleanskv.v1.KvStore/Get",
             "/orleanskv.v1.KvStore/HealthCheck", "/orleanskv.v1.KvStore/List", "/orleanskv.v1.KvStore/Set"],
            methods.Select(m => m.FullName).Order(StringComparer.Ordinal));
        Assert.All(methods, m => Assert.False(string.IsNullOrEmpty(m.MetricsLabel), m.FullName));
        Assert.All(methods, m => Assert.True(m.AllowAnonymous ^ m.AuthorizationPolicy is not null, m.FullName));
        Assert.Equal(methods.Count, methods.Select(m => m.MetricsLabel).Distinct().Count());
        Assert.Equal(
            [Check, "/orleanskv.v1.KvStore/HealthCheck"],
            methods.Where(m => m.AllowAnonymous).Select(m => m.FullName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryGrpcEndpointAnswersOnlyOnTheGrpcListener()
    {
        var endpoints = fixture.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<GrpcMethodInfo>() is not null || e.DisplayName?.StartsWith("gRPC", StringComparison.Ordinal) == true)
            .ToList();

        Assert.Equal(8, endpoints.Count); // 7 methods and the unimplemented-method route
        Assert.All(endpoints, e => Assert.Equal(Listener.Grpc, e.Metadata.GetMetadata<ListenerMetadata>()?.Listener));
        Assert.All(endpoints, e => Assert.NotNull(e.Metadata.GetMetadata<RouteLabel>()));
    }

    [Fact]
    public async Task RestRoutesDoNotAnswerOnTheGrpcPort()
    {
        using var handler = new SocketsHttpHandler();
        using var http2 = new HttpClient(handler) { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await http2.GetAsync(new Uri(fixture.Host.GrpcAddress, "/readyz"));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
