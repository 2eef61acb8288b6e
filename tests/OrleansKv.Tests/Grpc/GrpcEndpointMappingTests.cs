using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrleansKv.Grpc;

namespace OrleansKv.Tests.Grpc;

public sealed class GrpcEndpointMappingTests(GrpcServerFixture fixture) : IClassFixture<GrpcServerFixture>
{
    [Theory]
    [InlineData("")]
    [InlineData("test.Echo/Echo")]
    [InlineData("/test.Echo/")]
    [InlineData("/Echo")]
    [InlineData("/test.Echo/Echo/More")]
    [InlineData("/test.Echo/{id}")]
    [InlineData("/test.Echo/Ec.ho")]
    public void InvalidMethodPathsAreRejected(string path)
    {
        var registry = new GrpcServiceRegistry();

        Assert.ThrowsAny<ArgumentException>(() => registry.AddUnary(path, StringValue.Parser, (r, _) => ValueTask.FromResult(r)));
    }

    [Fact]
    public void DuplicateMethodIsRejected()
    {
        var registry = new GrpcServiceRegistry();
        registry.AddUnary("/a.B/C", StringValue.Parser, (r, _) => ValueTask.FromResult(r));

        Assert.Throws<InvalidOperationException>(() => registry.AddUnary("/a.B/C", StringValue.Parser, (r, _) => ValueTask.FromResult(r)));
    }

    [Fact]
    public void RegistryDescribesEveryMethod()
    {
        var registry = fixture.Server.App.Services.GetRequiredService<GrpcServiceRegistry>();

        Assert.True(registry.TryGetMethod(EchoService.Repeat, out var repeat));
        Assert.Equal("test.Echo", repeat.ServiceName);
        Assert.Equal("Repeat", repeat.MethodName);
        Assert.Equal(GrpcMethodKind.ServerStreaming, repeat.Kind);
        Assert.Equal(typeof(Int32Value), repeat.RequestType);
        Assert.Equal(typeof(StringValue), repeat.ResponseType);
        // The meta-test other features copy: every method has a metrics label and an auth decision.
        Assert.All(registry.Methods, m =>
        {
            Assert.False(string.IsNullOrEmpty(m.MetricsLabel), $"{m} has no metrics label");
            Assert.True(m.AllowAnonymous || m.AuthorizationPolicy is not null, $"{m} has no auth policy");
        });
    }

    [Fact]
    public void EveryMethodIsAPostEndpointCarryingItsDescriptor()
    {
        var registry = fixture.Server.App.Services.GetRequiredService<GrpcServiceRegistry>();
        var endpoints = fixture.Server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        foreach (var method in registry.Methods)
        {
            var endpoint = Assert.Single(endpoints, e => e.Metadata.GetMetadata<GrpcMethodInfo>() == method);
            Assert.Equal(method.FullName, endpoint.RoutePattern.RawText);
            Assert.Equal(["POST"], endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods);
        }
    }

    [Fact]
    public async Task ConventionsApplyToEveryMappedEndpoint()
    {
        await using var server = await GrpcTestServer.StartAsync(mapped => mapped.RequireHost("elsewhere.example"));
        using var client = server.CreateClient();

        var known = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(EchoService.Echo, new StringValue(), StringValue.Parser));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync("/x.Y/Z", new StringValue(), StringValue.Parser));

        // Neither the method nor the unimplemented route matches this host: plain 404 → UNIMPLEMENTED.
        Assert.Equal(StatusCode.Unimplemented, known.StatusCode);
        Assert.Contains("404", known.Detail, StringComparison.Ordinal);
        Assert.Contains("404", unknown.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void MethodAuthorizationIsAppliedFromTheDescriptors()
    {
        var registry = fixture.Server.App.Services.GetRequiredService<GrpcServiceRegistry>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddAuthorization();
        using var app = builder.Build();

        app.MapGrpcServices(registry).RequireMethodAuthorization();

        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).ToList();
        var echo = Assert.Single(endpoints, e => e.Metadata.GetMetadata<GrpcMethodInfo>()?.FullName == EchoService.Echo);
        var metadata = Assert.Single(endpoints, e => e.Metadata.GetMetadata<GrpcMethodInfo>()?.FullName == EchoService.Metadata);
        Assert.Equal("test", echo.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>()?.Policy);
        Assert.NotNull(metadata.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>());
    }
}
