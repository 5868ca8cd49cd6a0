using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Ingestion;

/// <summary>
/// The browser origins listed on any active publishable key, for CORS on <c>/api/v1/signals</c>. A preflight
/// carries no key, so it can only be answered for the union; which origin may use which key is checked when
/// the real request authenticates. Cached for <see cref="CacheLifetime"/>: a new key's origin works within
/// that time, and a revoked key stops authenticating at once whatever CORS says.
/// </summary>
public sealed class PublishableOrigins(IDbContextFactory<FeedbackDbContext> contexts, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Snapshot? _snapshot;

    /// <summary>The allowed origins, compared case-insensitively.</summary>
    public async ValueTask<IReadOnlySet<string>> GetAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && time.GetUtcNow() < snapshot.Expires)
        {
            return snapshot.Origins;
        }

        // One query refreshes the cache; concurrent preflights wait for it rather than each asking the database.
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            snapshot = _snapshot;
            if (snapshot is not null && time.GetUtcNow() < snapshot.Expires)
            {
                return snapshot.Origins;
            }

            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var lists = await db.ApiKeys.AsNoTracking()
                .Where(k => k.Kind == ApiKeyKind.Publishable && k.RevokedAt == null && k.Application!.ArchivedAt == null)
                .Select(k => k.AllowedOrigins)
                .ToListAsync(cancellationToken);
            var origins = lists.SelectMany(l => l).ToHashSet(StringComparer.OrdinalIgnoreCase);
            _snapshot = new Snapshot(origins, time.GetUtcNow() + CacheLifetime);
            return origins;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Forgets the cached union (after a key or its origins change on this instance).</summary>
    public void Forget() => _snapshot = null;

    public void Dispose() => _refresh.Dispose();

    private sealed record Snapshot(HashSet<string> Origins, DateTimeOffset Expires);
}
