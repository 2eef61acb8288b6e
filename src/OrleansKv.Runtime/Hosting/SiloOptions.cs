using System.ComponentModel.DataAnnotations;

namespace OrleansKv.Runtime;

/// <summary>Options of one silo. Bound from the <c>Silo</c> configuration section.</summary>
public sealed class SiloOptions
{
    /// <summary>The cluster this silo joins; silos of other clusters sharing a Redis are invisible to it.</summary>
    [Required]
    public string ClusterId { get; set; } = "orleans-kv";

    /// <summary>A readable name for logs and the membership table (defaults to the machine name).</summary>
    public string SiloName { get; set; } = Environment.MachineName;

    /// <summary>The host other silos reach this one on (the pod IP in Kubernetes).</summary>
    [Required]
    public string AdvertisedHost { get; set; } = "127.0.0.1";

    /// <summary>The port of the silo-to-silo endpoint.</summary>
    [Range(0, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>An activation not called for this long is deactivated.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often idle activations are looked for.</summary>
    public TimeSpan IdleCollectionPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest time for directory registration plus <see cref="Grain.OnActivateAsync"/>.</summary>
    public TimeSpan ActivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest time for <see cref="Grain.OnDeactivateAsync"/>.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a call keeps retrying while its grain moves between silos (failover, rebalancing).</summary>
    public TimeSpan CallRetryTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Activations retired at once during shutdown.</summary>
    [Range(1, 10_000)]
    public int ShutdownDeactivationParallelism { get; set; } = 64;

    /// <summary>Move grains to a silo that joins when placement prefers it (their next call activates them there).</summary>
    public bool RebalanceOnJoin { get; set; } = true;

    /// <summary>How long after a join the grains start moving.</summary>
    public TimeSpan RebalanceDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Activations moved at once.</summary>
    [Range(1, 10_000)]
    public int RebalanceParallelism { get; set; } = 16;
}
