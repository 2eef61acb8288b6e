namespace OrleansKv.Grains;

/// <summary>
/// The activation that received the call no longer owns its namespace (a newer activation claimed it, or this one
/// retired after a failed commit), and nothing of the call was applied. Calling again reaches the current owner.
/// </summary>
[GenerateSerializer, Alias("OrleansKv.NamespaceMovedException")]
public sealed class NamespaceMovedException : Exception
{
    public NamespaceMovedException()
        : this("The namespace moved to another activation; nothing was applied. Retry.")
    {
    }

    public NamespaceMovedException(string message)
        : base(message)
    {
    }

    public NamespaceMovedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
