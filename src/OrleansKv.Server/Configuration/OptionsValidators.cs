using Microsoft.Extensions.Options;

namespace OrleansKv.Server.Configuration;

/// <summary>Checks <see cref="ListenerOptions"/>: its DataAnnotations, then its cross-setting rules (source-generated).</summary>
[OptionsValidator]
internal sealed partial class ListenerOptionsValidator : IValidateOptions<ListenerOptions>;

/// <summary>Checks <see cref="ClusteringOptions"/>: its DataAnnotations, then its cross-setting rules (source-generated).</summary>
[OptionsValidator]
internal sealed partial class ClusteringOptionsValidator : IValidateOptions<ClusteringOptions>;

/// <summary>Checks <see cref="StorageOptions"/>' DataAnnotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class StorageOptionsValidator : IValidateOptions<StorageOptions>;

/// <summary>Checks <see cref="AuthOptions"/>' credential rules (source-generated).</summary>
[OptionsValidator]
internal sealed partial class AuthOptionsValidator : IValidateOptions<AuthOptions>;

/// <summary>Checks <see cref="LimitsOptions"/>' DataAnnotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class LimitsOptionsValidator : IValidateOptions<LimitsOptions>;

/// <summary>Checks <see cref="LoggingOptions"/>' level (source-generated).</summary>
[OptionsValidator]
internal sealed partial class LoggingOptionsValidator : IValidateOptions<LoggingOptions>;
