using OrleansKv.Server.Configuration;
using OrleansKv.Server.Hosting;

// OrleansKv: one silo plus its REST and gRPC front end. Configuration comes from environment
// variables (HTTP_PORT, REDIS_URL, DATA_DIR, TOKEN, ...) or appsettings.json; see README.md.
try
{
    var app = ServerApp.Create(args);
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ConfigurationFailure.Describe(ex) is { } problems)
{
    await Console.Error.WriteLineAsync($"orleans-kv: invalid configuration: {problems}");
    return 2;
}
catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
{
    await Console.Error.WriteLineAsync($"orleans-kv: cannot listen: {ex.Message}");
    return 3;
}

/// <summary>The entry point, visible to in-process tests (WebApplicationFactory).</summary>
public partial class Program;
