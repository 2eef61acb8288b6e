namespace OrleansKv.Tests.Deployment;

/// <summary>Finds the repository root (the directory holding OrleansKv.sln) from the test's output folder.</summary>
internal static class RepositoryRoot
{
    public static string Path
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "OrleansKv.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("OrleansKv.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
