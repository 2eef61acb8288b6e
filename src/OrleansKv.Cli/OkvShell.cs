using System.CommandLine.Parsing;
using OrleansKv.Client;

namespace OrleansKv.Cli;

/// <summary>
/// The interactive shell: each line is parsed as an okv subcommand over one open connection, plus help and quit.
/// Lines are edited and recalled with the arrow keys when the input is a terminal.
/// </summary>
internal sealed class OkvShell(KvClient client)
{
    public KvClient Client { get; } = client;

    public static async Task<int> RunAsync(string address, string? token, CancellationToken cancellationToken)
    {
        await using var client = new KvClient(new KvClientOptions { Address = new Uri(address), Token = token });
        var shell = new OkvShell(client);
        var root = OkvCommands.Build(shell);
        var editor = new LineEditor();
        var interactive = !Console.IsInputRedirected;
        if (interactive)
        {
            Console.Out.WriteLine($"okv connected to {address}. Type help for commands, quit to leave.");
        }

        var last = ExitCodes.Ok;
        while (!cancellationToken.IsCancellationRequested)
        {
            var line = editor.ReadLine("okv> ");
            if (line is null)
            {
                break;
            }

            var words = CommandLineParser.SplitCommandLine(line).ToArray();
            if (words.Length == 0)
            {
                continue;
            }

            switch (words[0].ToLowerInvariant())
            {
                case "quit" or "exit":
                    return last;
                case "help":
                    PrintHelp();
                    continue;
            }

            last = await OkvCommands.InvokeAsync(root, words, cancellationToken);
        }

        return last;
    }

    private static void PrintHelp() => Console.Out.WriteLine("""
        set <key> <value> [--ttl seconds]   write a key
        get <key>                           print its value
        delete <key> (or del)               delete it
        ls [prefix] [--limit n]             list keys in byte order
        ttl <key>                           seconds left (-1: none)
        cas <key> <etag> <value>            write only at that version
        batch <file.json>                   run a batch file atomically
        help                                this list
        quit                                leave
        """);
}
