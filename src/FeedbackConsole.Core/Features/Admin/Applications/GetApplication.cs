using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Admin.Applications;

/// <summary>One application with its settings and its API keys (never the keys themselves: only their prefixes).</summary>
public sealed class GetApplication(IDbContextFactory<FeedbackDbContext> contexts)
{
    public sealed record Details(
        Guid Id,
        string Name,
        DateTimeOffset CreatedAt,
        DateTimeOffset? ArchivedAt,
        bool RedactPii,
        IReadOnlyList<Key> Keys)
    {
        public bool IsArchived => ArchivedAt is not null;
    }

    public sealed record Key(
        Guid Id,
        string Label,
        ApiKeyKind Kind,
        string DisplayPrefix,
        IReadOnlyList<string> AllowedOrigins,
        DateTimeOffset CreatedAt,
        DateTimeOffset? LastUsedAt,
        DateTimeOffset? RevokedAt)
    {
        public bool IsRevoked => RevokedAt is not null;
    }

    /// <summary>The application, or null when there is none with this id. Active keys first, newest first.</summary>
    public async Task<Details?> HandleAsync(Guid applicationId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var application = await db.Applications.AsNoTracking()
            .Where(a => a.Id == applicationId)
            .Select(a => new { a.Id, a.Name, a.CreatedAt, a.ArchivedAt, a.RedactPii })
            .FirstOrDefaultAsync(cancellationToken);
        if (application is null)
        {
            return null;
        }

        var keys = await db.ApiKeys.AsNoTracking()
            .Where(k => k.ApplicationId == applicationId)
            .Select(k => new Key(k.Id, k.Label, k.Kind, k.Prefix, k.AllowedOrigins, k.CreatedAt, k.LastUsedAt, k.RevokedAt))
            .ToListAsync(cancellationToken);

        return new Details(
            application.Id,
            application.Name,
            application.CreatedAt,
            application.ArchivedAt,
            application.RedactPii,
            [.. keys.OrderBy(k => k.IsRevoked).ThenByDescending(k => k.CreatedAt)]);
    }
}
