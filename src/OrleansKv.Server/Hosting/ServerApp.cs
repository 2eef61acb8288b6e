using OrleansKv.Server.Grpc;

namespace OrleansKv.Server.Hosting;

/// <summary>Builds the whole server — the binary and the in-process test cluster build it the same way.</summary>
public static class ServerApp
{
    /// <summary>
    /// Creates the application: settings, the silo and its storage, the REST and gRPC front ends.
    /// <paramref name="configure"/> may add settings or services first.
    /// </summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(ServerApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder);
        builder.AddOrleansKvServer();

        var app = builder.Build();
        app.UseOrleansKvServer();
        app.MapRestApi();
        app.MapKvGrpc();
        return app;
    }
}
