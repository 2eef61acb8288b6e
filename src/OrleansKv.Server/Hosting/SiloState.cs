namespace OrleansKv.Server.Hosting;

/// <summary>What the front end reports about its co-hosted silo: its address, its status in the cluster and how many
/// silos are active, read from Orleans' membership view.</summary>
internal sealed class SiloState(ILocalSiloDetails local, IClusterMembershipService membership)
{
    public SiloAddress Silo => local.SiloAddress;

    /// <summary>This silo's status as the cluster's membership table has it (<see cref="SiloStatus.None"/> before it joined).</summary>
    public SiloStatus Status => membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);

    /// <summary>Active silos, as this silo sees the cluster.</summary>
    public int ClusterSize
    {
        get
        {
            var count = 0;
            foreach (var member in membership.CurrentSnapshot.Members.Values)
            {
                if (member.Status == SiloStatus.Active)
                {
                    count++;
                }
            }

            return count;
        }
    }
}
