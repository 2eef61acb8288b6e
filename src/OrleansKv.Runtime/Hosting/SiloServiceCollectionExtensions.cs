using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansKv.Runtime.Activations;

namespace OrleansKv.Runtime;

/// <summary>Adds an OrleansKv silo to a host.</summary>
public static class SiloServiceCollectionExtensions
{
    /// <summary>
    /// Adds the silo runtime and lets <paramref name="configure"/> register grains and providers. Without
    /// explicit providers the silo runs alone (<see cref="SiloBuilder.UseLocalhostClustering"/> with reminders
    /// under <c>./data</c>). Options are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddOrleansKvSilo(this IServiceCollection services, Action<SiloBuilder> configure)
    {
        services.AddOptions<SiloOptions>().BindConfiguration("Silo").ValidateOnStart();
        services.AddOptions<MembershipOptions>().BindConfiguration("Membership").ValidateOnStart();
        services.AddOptions<ReminderOptions>().BindConfiguration("Reminders");
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiloOptions>, SiloOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MembershipOptions>, MembershipOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<IMembershipTable, InMemoryMembershipTable>();
        services.TryAddSingleton<IGrainDirectory, InMemoryGrainDirectory>();
        services.TryAddSingleton<IPlacementDirector, RendezvousPlacementDirector>();
        services.TryAddSingleton<IRemoteGrainInvoker, NoRemoteSilos>();
        services.TryAddSingleton<SqliteReminderTable>();
        services.TryAddSingleton<IReminderTable>(sp => sp.GetRequiredService<SqliteReminderTable>());

        services.TryAddSingleton(sp => new GrainTypeRegistry(sp.GetServices<GrainTypeRegistration>()));
        services.TryAddSingleton<MembershipService>();
        services.TryAddSingleton<IClusterMembership>(sp => sp.GetRequiredService<MembershipService>());
        services.TryAddSingleton<GrainLocator>();
        services.TryAddSingleton<Catalog>();
        services.TryAddSingleton<GrainCallInvoker>();
        services.TryAddSingleton<IGrainCallInvoker>(sp => sp.GetRequiredService<GrainCallInvoker>());
        services.TryAddSingleton<IGrainFactory, GrainFactory>();
        services.TryAddSingleton<ReminderService>();
        services.TryAddSingleton<ActivationRebalancer>();
        services.TryAddSingleton(sp => new SiloRuntimeInfo(sp.GetRequiredService<Catalog>(), sp.GetRequiredService<GrainCallInvoker>(), sp.GetRequiredService<IClusterMembership>()));
        services.AddSingleton<SiloHost>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<SiloHost>());
        services.AddSingleton<ISiloCrashHook>(sp => sp.GetRequiredService<SiloHost>());

        configure(new SiloBuilder(services));
        return services;
    }
}

internal sealed class SiloOptionsValidator : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClusterId) || options.ClusterId.Any(c => char.IsWhiteSpace(c) || c is '{' or '}'))
        {
            failures.Add($"{nameof(SiloOptions.ClusterId)} must be a non-empty name without spaces or braces (CLUSTER_ID).");
        }

        if (string.IsNullOrWhiteSpace(options.AdvertisedHost))
        {
            failures.Add($"{nameof(SiloOptions.AdvertisedHost)} must be set (ADVERTISED_HOST).");
        }

        if (options.SiloPort is < 1 or > 65535)
        {
            failures.Add($"{nameof(SiloOptions.SiloPort)} must be between 1 and 65535 (SILO_PORT), not {options.SiloPort}.");
        }

        if (options.IdleTimeout <= TimeSpan.Zero || options.CallRetryTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(SiloOptions.IdleTimeout)} and {nameof(SiloOptions.CallRetryTimeout)} must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal sealed class MembershipOptionsValidator : IValidateOptions<MembershipOptions>
{
    public ValidateOptionsResult Validate(string? name, MembershipOptions options)
    {
        if (options.ProbePeriod <= TimeSpan.Zero || options.ProbeTimeout <= TimeSpan.Zero || options.TableRefreshPeriod <= TimeSpan.Zero || options.IAmAlivePeriod <= TimeSpan.Zero)
        {
            return ValidateOptionsResult.Fail($"{nameof(MembershipOptions.ProbePeriod)}, {nameof(MembershipOptions.ProbeTimeout)}, {nameof(MembershipOptions.TableRefreshPeriod)} and {nameof(MembershipOptions.IAmAlivePeriod)} must be positive.");
        }

        if (options.MissedProbesLimit < 1 || options.VotesForDeath < 1 || options.ProbedSilos < 1)
        {
            return ValidateOptionsResult.Fail($"{nameof(MembershipOptions.MissedProbesLimit)}, {nameof(MembershipOptions.VotesForDeath)} and {nameof(MembershipOptions.ProbedSilos)} must be at least 1.");
        }

        return ValidateOptionsResult.Success;
    }
}
