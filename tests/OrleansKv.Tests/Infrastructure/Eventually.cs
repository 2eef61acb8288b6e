namespace OrleansKv.Tests.Infrastructure;

/// <summary>A bounded poll for conditions that become true "eventually" (expiry, sweeps), never an unbounded wait.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0.#} s: {what}");
            }

            await Task.Delay(50);
        }
    }
}
