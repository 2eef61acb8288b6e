using Microsoft.Extensions.Options;
using OrleansKv.Runtime;
using OrleansKv.Tests.Storage;

namespace OrleansKv.Tests.Providers;

/// <summary>The reminder contract against the embedded SQLite table, one database file per test.</summary>
public sealed class SqliteReminderTableTests : ReminderTableContractTests
{
    private readonly TempDirectory _directory = new();

    protected override Task<IReminderTable> CreateTableAsync() => Task.FromResult<IReminderTable>(
        new SqliteReminderTable(Options.Create(new SqliteReminderTableOptions { DatabasePath = Path.Combine(_directory.Path, "reminders.db") })));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}
