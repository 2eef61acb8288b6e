using OrleansKv.Server.Auth;

namespace OrleansKv.Server.Protocols;

/// <summary>
/// The credential a TCP connection signed in with. It is checked again at most once a second, when a command
/// arrives, so a revoked or expired token stops working on open connections as it does on REST.
/// </summary>
internal sealed class ConnectionCredential(CredentialValidator validator, TimeProvider time)
{
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);
    private string? _credential;
    private long _checkedAt;

    /// <summary>The signed-in principal; null before a successful sign-in.</summary>
    public KvPrincipal? Principal { get; private set; }

    /// <summary>Checks a credential; on success the connection is signed in with it (and stays so on failure only if it was).</summary>
    public async ValueTask<CredentialResult> SignInAsync(string credential, CancellationToken cancellationToken)
    {
        var result = await validator.ValidateAsync(credential, cancellationToken);
        if (result.Principal is { } principal)
        {
            if (principal.Namespace is null)
            {
                return CredentialResult.Fail("The admin credential reaches no namespace; use a namespace token.");
            }

            _credential = credential;
            Principal = principal;
            _checkedAt = time.GetTimestamp();
        }

        return result;
    }

    /// <summary>The principal as of now: the credential is checked again when its last check is over a second old.</summary>
    public ValueTask<KvPrincipal?> CurrentAsync(CancellationToken cancellationToken)
    {
        if (_credential is null || time.GetElapsedTime(_checkedAt) < Recheck)
        {
            return ValueTask.FromResult(Principal);
        }

        return RecheckAsync(_credential, cancellationToken);
    }

    /// <summary>Signs out (RESET).</summary>
    public void SignOut()
    {
        _credential = null;
        Principal = null;
    }

    private async ValueTask<KvPrincipal?> RecheckAsync(string credential, CancellationToken cancellationToken)
    {
        var result = await validator.ValidateAsync(credential.AsSpan(), cancellationToken);
        _checkedAt = time.GetTimestamp();
        if (result.Principal is null)
        {
            SignOut();
        }
        else
        {
            Principal = result.Principal;
        }

        return Principal;
    }
}
