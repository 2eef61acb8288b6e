namespace OrleansKv.Tests.ProcessTests;

/// <summary>One real server process shared by the tests of a class, with two bootstrap tokens.</summary>
public sealed class SharedServerFixture : IAsyncLifetime
{
    public const string TokenA = "process-token-alpha";
    public const string TokenB = "process-token-bravo";
    public const int MaxValueBytes = 64 * 1024;

    private ServerProcess? _server;

    internal ServerProcess Server => _server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(new Dictionary<string, string>
    {
        ["TOKEN"] = $"{TokenA},{TokenB}",
        ["MAX_VALUE_BYTES"] = MaxValueBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
