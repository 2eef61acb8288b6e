using System.CommandLine;
using OrleansKv.Client;

namespace OrleansKv.Cli;

/// <summary>The command tree: the same subcommands serve the command line and each line of the shell.</summary>
internal static class OkvCommands
{
    public static readonly Option<string> Address = new("--address", "-a")
    {
        Description = "The server's gRPC address (default: OKV_ADDRESS, else http://127.0.0.1:50051).",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("OKV_ADDRESS") is { Length: > 0 } env ? env : "http://127.0.0.1:50051",
    };

    public static readonly Option<string?> Token = new("--token", "-t")
    {
        Description = "The bearer token (default: OKV_TOKEN).",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("OKV_TOKEN"),
    };

    public static async Task<int> RunAsync(string[] args)
    {
        return await InvokeAsync(Build(shell: null), args, CancellationToken.None);
    }

    /// <summary>Parses and runs one command line; a wrong one prints its errors and exits with <see cref="ExitCodes.Usage"/>.</summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, CancellationToken cancellationToken)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}");
            }

            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(cancellationToken: cancellationToken);
    }

    /// <summary>Builds the tree; <paramref name="shell"/> is the open connection when a shell line runs it.</summary>
    public static RootCommand Build(OkvShell? shell)
    {
        var root = new RootCommand("okv: the OrleansKv command line. With no subcommand, an interactive shell.");
        root.Options.Add(Address);
        root.Options.Add(Token);

        var key = new Argument<string>("key") { Description = "The key." };
        var value = new Argument<string>("value") { Description = "The value (UTF-8 text)." };
        var ttl = new Option<int?>("--ttl") { Description = "Time to live in seconds." };
        var get = new Command("get", "Prints the value of a key.") { key };
        get.SetAction((r, ct) => Run(r, shell, (kv, ct) => KvActions.GetAsync(kv, r.GetValue(key)!, ct), ct));
        var set = new Command("set", "Writes a key.") { key, value, ttl };
        set.SetAction((r, ct) => Run(r, shell, (kv, ct) => KvActions.SetAsync(kv, r.GetValue(key)!, r.GetValue(value)!, r.GetValue(ttl), ct), ct));
        var delete = new Command("del", "Deletes a key.") { key };
        delete.Aliases.Add("delete");
        delete.SetAction((r, ct) => Run(r, shell, (kv, ct) => KvActions.DeleteAsync(kv, r.GetValue(key)!, ct), ct));
        var prefix = new Argument<string>("prefix") { Description = "Only keys starting with this.", DefaultValueFactory = _ => string.Empty };
        var limit = new Option<int>("--limit") { Description = "At most this many keys (0: all).", DefaultValueFactory = _ => 0 };
        var list = new Command("ls", "Lists keys in byte order.") { prefix, limit };
        list.SetAction((r, ct) => Run(r, shell, (kv, ct) => KvActions.ListAsync(kv, r.GetValue(prefix)!, r.GetValue(limit), ct), ct));
        var ttlCommand = new Command("ttl", "Prints the seconds a key has left (-1: no TTL).") { key };
        ttlCommand.SetAction((r, ct) => Run(r, shell, (kv, ct) => KvActions.TtlAsync(kv, r.GetValue(key)!, ct), ct));
        var etag = new Argument<string>("etag") { Description = "The version the key must be at (as get --etag prints it)." };
        var cas = new Command("cas", "Writes a key only if it is still at the given version.") { key, etag, value };
        cas.SetAction((r, ct) => Run(r, shell, (kv, ct) => KvActions.CasAsync(kv, r.GetValue(key)!, r.GetValue(etag)!, r.GetValue(value)!, ct), ct));
        var file = new Argument<FileInfo>("file") { Description = "A JSON array of operations: {\"op\":\"put|get|delete\",\"key\":...,\"value\":...,\"ttl_seconds\":...}." };
        var batch = new Command("batch", "Runs a batch of operations from a JSON file, atomically.") { file };
        batch.SetAction((r, ct) => Run(r, shell, (kv, ct) => KvActions.BatchAsync(kv, r.GetValue(file)!, ct), ct));
        foreach (var command in new[] { get, set, delete, list, ttlCommand, cas, batch })
        {
            root.Subcommands.Add(command);
        }

        if (shell is null)
        {
            root.SetAction((r, ct) => OkvShell.RunAsync(r.GetValue(Address)!, r.GetValue(Token), ct));
        }

        return root;
    }

    /// <summary>Runs an action with the shell's connection, or with one opened for this command only.</summary>
    private static async Task<int> Run(ParseResult result, OkvShell? shell, Func<KvClient, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        if (shell is not null)
        {
            return await KvActions.GuardAsync(shell.Client, action, cancellationToken);
        }

        await using var client = new KvClient(new KvClientOptions { Address = new Uri(result.GetValue(Address)!), Token = result.GetValue(Token) });
        return await KvActions.GuardAsync(client, action, cancellationToken);
    }
}
