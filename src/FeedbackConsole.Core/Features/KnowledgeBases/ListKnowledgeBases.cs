using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.KnowledgeBases;

/// <summary>Every knowledge base with its active entries, open proposals and live release, for the list page.</summary>
public sealed class ListKnowledgeBases(IDbContextFactory<FeedbackDbContext> contexts)
{
    public sealed record Row(
        Guid Id,
        Guid ApplicationId,
        string ApplicationName,
        string Key,
        string Name,
        KnowledgeBaseKind Kind,
        string? Description,
        DateTimeOffset? ArchivedAt,
        int EntryCount,
        int PendingProposals,
        int? LiveReleaseNumber)
    {
        public bool IsArchived => ArchivedAt is not null;
    }

    public sealed record ApplicationChoice(Guid Id, string Name);

    public sealed record Result(IReadOnlyList<Row> Rows, IReadOnlyList<ApplicationChoice> Applications);

    /// <summary>By application, then active before archived, then name; <paramref name="includeArchived"/> adds archived ones.</summary>
    public async Task<Result> HandleAsync(Guid? applicationId = null, bool includeArchived = false, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var applications = await db.Applications.AsNoTracking().Where(a => a.ArchivedAt == null)
            .Select(a => new ApplicationChoice(a.Id, a.Name)).ToListAsync(cancellationToken);

        var query = db.KnowledgeBases.AsNoTracking().AsQueryable();
        if (applicationId is { } app)
        {
            query = query.Where(k => k.ApplicationId == app);
        }

        if (!includeArchived)
        {
            query = query.Where(k => k.ArchivedAt == null);
        }

        var rows = await query
            .Select(k => new
            {
                k.Id, k.ApplicationId, ApplicationName = db.Applications.Where(a => a.Id == k.ApplicationId).Select(a => a.Name).First(),
                k.Key, k.Name, k.Kind, k.Description, k.ArchivedAt,
                Entries = db.KnowledgeEntries.Count(e => e.KnowledgeBaseId == k.Id && e.ApprovedRevisionId != null && !e.IsRetired),
                Pending = db.EntryRevisions.Count(r => r.KnowledgeBaseId == k.Id && r.State == RevisionState.Proposed),
                Live = db.Releases.Where(r => r.Id == k.LiveReleaseId).Select(r => (int?)r.Number).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return new Result(
            [
                .. rows
                    .Select(r => new Row(r.Id, r.ApplicationId, r.ApplicationName, r.Key, r.Name, r.Kind, r.Description, r.ArchivedAt, r.Entries, r.Pending, r.Live))
                    .OrderBy(r => r.ApplicationName, StringComparer.CurrentCultureIgnoreCase)
                    .ThenBy(r => r.IsArchived)
                    .ThenBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase),
            ],
            [.. applications.OrderBy(a => a.Name, StringComparer.CurrentCultureIgnoreCase)]);
    }
}
