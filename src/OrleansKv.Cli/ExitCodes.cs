namespace OrleansKv.Cli;

/// <summary>What okv exits with, for scripts.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The key is absent, or a condition (cas) did not hold.</summary>
    public const int NotFound = 1;

    /// <summary>The command line is wrong, or the server refused an argument.</summary>
    public const int Usage = 2;

    /// <summary>The token is missing, unknown, or lacks the scope.</summary>
    public const int Denied = 3;

    /// <summary>The server could not be reached or did not answer.</summary>
    public const int Unavailable = 4;
}
