using OrleansKv.Cli;

// okv: one-shot subcommands (okv get k, okv set k v --ttl 60, ...) or, with none, an interactive shell.
return await OkvCommands.RunAsync(args);
