using System.Collections.Concurrent;
using System.Data.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace FeedbackConsole.Core.Features.Ingestion;

/// <summary>Who is calling the API: the application and the key it used.</summary>
public sealed record ApiCaller(Guid ApplicationId, Guid KeyId, ApiKeyKind Kind, IReadOnlyList<string> AllowedOrigins);

/// <summary>
/// Finds the application behind an API key on every API request, cheaply: active keys are cached for
/// <see cref="CacheLifetime"/>, so a revocation reaches other instances within that time (this instance at
/// once, through <see cref="Forget"/>). "Last used" is written at most once a minute per key.
/// </summary>
public sealed class ApiKeyLookup(IDbContextFactory<FeedbackDbContext> contexts, IMemoryCache cache, TimeProvider time)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastUsedWritten = new();

    /// <summary>The caller for a presented key, or null when the key is unknown, revoked or its application archived.</summary>
    public ValueTask<ApiCaller?> FindAsync(string key, CancellationToken cancellationToken = default)
    {
        // Every API request asks; from the cache the answer comes without a Task.
        var hash = ApiKeyFormat.Hash(key);
        return cache.TryGetValue(new CacheKey(hash), out ApiCaller? cached)
            ? ValueTask.FromResult(cached)
            : new ValueTask<ApiCaller?>(LoadAsync(hash, cancellationToken));
    }

    private async Task<ApiCaller?> LoadAsync(string hash, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Hash == hash && k.RevokedAt == null && k.Application!.ArchivedAt == null)
            .Select(k => new { k.Id, k.ApplicationId, k.Kind, k.AllowedOrigins })
            .FirstOrDefaultAsync(cancellationToken);
        var caller = row is null ? null : new ApiCaller(row.ApplicationId, row.Id, row.Kind, row.AllowedOrigins);
        cache.Set(new CacheKey(hash), caller, CacheLifetime);
        return caller;
    }

    /// <summary>Drops a key from this instance's cache (after revoking it or archiving its application).</summary>
    public void Forget(string hash) => cache.Remove(new CacheKey(hash));

    /// <summary>Records that a key was used, at most once a minute per key.</summary>
    public async Task TouchAsync(Guid keyId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (_lastUsedWritten.TryGetValue(keyId, out var last) && now - last < LastUsedResolution)
        {
            return;
        }

        _lastUsedWritten[keyId] = now;
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            // Wait for a busy database no longer than its busy timeout (not Microsoft.Data.Sqlite's 30 s).
            using var shortWait = SqliteCommandWait.Shorten(db.Database.GetDbConnection(), seconds: 1);

            await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
        }
        catch (DbException)
        {
            // "Last used" is a hint for people; a busy database must not fail the API call that uses the key.
            // It is written again at the next use after the resolution interval.
        }
    }

    /// <summary>A key's entry in the shared memory cache: its own type keeps it apart from other entries, without building an "apikey:…" string per request.</summary>
    private sealed record CacheKey(string Hash);
}
