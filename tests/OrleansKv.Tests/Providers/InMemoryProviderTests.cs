using OrleansKv.Runtime;

namespace OrleansKv.Tests.Providers;

/// <summary>The membership contract against the single-silo in-memory table.</summary>
public sealed class InMemoryMembershipTableTests : MembershipTableContractTests
{
    protected override Task<IMembershipTable> CreateTableAsync() => Task.FromResult<IMembershipTable>(new InMemoryMembershipTable());
}

/// <summary>The directory contract against the single-silo in-memory directory.</summary>
public sealed class InMemoryGrainDirectoryTests : GrainDirectoryContractTests
{
    protected override Task<IGrainDirectory> CreateDirectoryAsync() => Task.FromResult<IGrainDirectory>(new InMemoryGrainDirectory());
}
