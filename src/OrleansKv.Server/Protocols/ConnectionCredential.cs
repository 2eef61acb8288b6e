using OrleansKv.Server.Auth;

namespace OrleansKv.Server.Protocols;

/// <summary>
/// The credential a TCP connection signed in with, and what the read and write policies grant it. It is checked
/// again at most once a second, when a command arrives, so a revoked or expired token stops working on open
/// connections as it does on REST. The policies are evaluated at each check, not per command.
/// </summary>
internal sealed class ConnectionCredential(CredentialAuthenticator authenticator, TimeProvider time)
{
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);
    private string? _credential;
    private long _checkedAt;
    private bool _mayRead;
    private bool _mayWrite;

    /// <summary>The signed-in principal; null before a successful sign-in.</summary>
    public KvPrincipal? Principal { get; private set; }

    /// <summary>Checks a credential; on success the connection is signed in with it (and stays so on failure only if it was).</summary>
    public async ValueTask<CredentialResult> SignInAsync(string credential, CancellationToken cancellationToken)
    {
        var result = await authenticator.AuthenticateAsync(credential, cancellationToken);
        if (result.Principal is { } principal)
        {
            if (principal.Namespace is null)
            {
                return CredentialResult.Fail("The admin credential reaches no namespace; use a namespace token.");
            }

            _credential = credential;
            await GrantAsync(principal);
        }

        return result;
    }

    /// <summary>Whether the policy for <paramref name="needed"/> (read or write; none for neither) lets the connection run a command.</summary>
    public bool Allows(KvScopes needed) => needed switch
    {
        KvScopes.None => true,
        KvScopes.Read => _mayRead,
        KvScopes.Write => _mayWrite,
        _ => false,
    };

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
        _mayRead = _mayWrite = false;
    }

    private async ValueTask GrantAsync(KvPrincipal principal)
    {
        _mayRead = await authenticator.AllowsAsync(principal, KvPolicies.Read);
        _mayWrite = await authenticator.AllowsAsync(principal, KvPolicies.Write);
        Principal = principal;
        _checkedAt = time.GetTimestamp();
    }

    private async ValueTask<KvPrincipal?> RecheckAsync(string credential, CancellationToken cancellationToken)
    {
        var result = await authenticator.AuthenticateAsync(credential, cancellationToken);
        if (result.Principal is { } principal)
        {
            await GrantAsync(principal);
        }
        else
        {
            SignOut();
        }

        return Principal;
    }
}
