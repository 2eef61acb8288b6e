using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace OrleansKv.Grains.Storage.Redis;

/// <summary>
/// A Lua script run by EVALSHA, falling back to loading it when the server does not know it (NOSCRIPT: a restarted
/// Redis, SCRIPT FLUSH, a fail-over to a replica that never saw it).
/// </summary>
internal sealed class RedisScript
{
    public RedisScript(string name, string text)
    {
        Name = name;
        Text = text;
#pragma warning disable CA5350 // Redis names scripts by their SHA-1 (EVALSHA); this is an identifier, not security.
        Sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350
    }

    public string Name { get; }

    public string Text { get; }

    public byte[] Sha1 { get; }

    /// <summary>
    /// Runs the script. A NOSCRIPT reply means the script did not run, so it is safe to send it again: first as the
    /// script text (StackExchange.Redis loads it and runs EVALSHA), once more if the client's own record of loaded
    /// scripts was stale too (it forgets that record on NOSCRIPT).
    /// </summary>
    /// <param name="database">Where to run it.</param>
    /// <param name="keys">KEYS, all of one hash slot.</param>
    /// <param name="args">ARGV.</param>
    /// <param name="onReload">Called when the server did not know the script.</param>
    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] args, Action<RedisScript> onReload)
    {
        try
        {
            return await database.ScriptEvaluateAsync(Sha1, keys, args).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (IsNoScript(ex))
        {
            onReload(this);
        }

        try
        {
            return await database.ScriptEvaluateAsync(Text, keys, args).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (IsNoScript(ex))
        {
            return await database.ScriptEvaluateAsync(Text, keys, args).ConfigureAwait(false);
        }
    }

    private static bool IsNoScript(RedisServerException exception) =>
        exception.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal);
}
