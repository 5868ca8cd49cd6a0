using FeedbackConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Admin.Applications;

/// <summary>Every application with its key counts and when one of its keys was last used, for the Applications page.</summary>
public sealed class ListApplications(IDbContextFactory<FeedbackDbContext> contexts)
{
    public sealed record Row(
        Guid Id,
        string Name,
        DateTimeOffset CreatedAt,
        DateTimeOffset? ArchivedAt,
        int ActiveKeys,
        int RevokedKeys,
        DateTimeOffset? LastUsedAt)
    {
        public bool IsArchived => ArchivedAt is not null;
    }

    /// <summary>Active applications first, then archived ones, each by name.</summary>
    public async Task<IReadOnlyList<Row>> HandleAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var applications = await db.Applications.AsNoTracking()
            .Select(a => new { a.Id, a.Name, a.CreatedAt, a.ArchivedAt })
            .ToListAsync(cancellationToken);
        // Aggregated here rather than in SQL: there are few keys, and MAX over a converted DateTimeOffset
        // is not something both providers translate alike.
        var keys = (await db.ApiKeys.AsNoTracking()
                .Select(k => new { k.ApplicationId, Revoked = k.RevokedAt != null, k.LastUsedAt })
                .ToListAsync(cancellationToken))
            .ToLookup(k => k.ApplicationId);

        return applications
            .Select(a => new Row(
                a.Id,
                a.Name,
                a.CreatedAt,
                a.ArchivedAt,
                keys[a.Id].Count(k => !k.Revoked),
                keys[a.Id].Count(k => k.Revoked),
                keys[a.Id].Max(k => k.LastUsedAt)))
            .OrderBy(a => a.IsArchived)
            .ThenBy(a => a.Name, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
    }
}
