using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.KnowledgeBases;

/// <summary>An entry and its revision history, newest first (content is loaded per revision with GetRevision).</summary>
public sealed class GetEntry(IDbContextFactory<FeedbackDbContext> contexts)
{
    public sealed record View(
        Guid Id,
        Guid KnowledgeBaseId,
        string KnowledgeBaseName,
        KnowledgeBaseKind Kind,
        bool KnowledgeBaseArchived,
        string Title,
        Guid? ApprovedRevisionId,
        int? ApprovedNumber,
        bool IsRetired,
        bool IsLive,
        RevisionContent? Approved,
        IReadOnlyList<FailureModeChoice> FailureModes,
        IReadOnlyList<RevisionRow> Revisions);

    public sealed record RevisionRow(
        Guid Id,
        int Number,
        RevisionChange Change,
        RevisionState State,
        string Title,
        string Summary,
        string AuthorName,
        DateTimeOffset CreatedAt,
        string? ReviewerName,
        DateTimeOffset? ReviewedAt,
        int SourceCount);

    public async Task<View?> HandleAsync(Guid entryId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entry = await db.KnowledgeEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == entryId, cancellationToken);
        if (entry is null)
        {
            return null;
        }

        var kb = await db.KnowledgeBases.AsNoTracking().FirstAsync(k => k.Id == entry.KnowledgeBaseId, cancellationToken);
        var revisions = await db.EntryRevisions.AsNoTracking()
            .Where(r => r.EntryId == entryId)
            .OrderByDescending(r => r.Number)
            .Select(r => new
            {
                r.Id, r.Number, r.Change, r.State, r.Title, Summary = r.Summary.Substring(0, 400), r.AuthorId, r.CreatedAt, r.ReviewerId, r.ReviewedAt,
                Sources = r.Sources.Count,
            })
            .ToListAsync(cancellationToken);
        var names = await PeopleNames.LoadAsync(db, revisions.SelectMany(r => new[] { r.AuthorId, r.ReviewerId }), cancellationToken);
        var approved = entry.ApprovedRevisionId is { } approvedId
            ? await db.EntryRevisions.AsNoTracking().FirstOrDefaultAsync(r => r.Id == approvedId, cancellationToken)
            : null;
        var live = kb.LiveReleaseId is { } liveId
                   && await db.ReleaseEntries.AnyAsync(r => r.ReleaseId == liveId && r.EntryId == entryId && r.RevisionId == entry.ApprovedRevisionId, cancellationToken);
        var modes = kb.Kind == KnowledgeBaseKind.Examples ? await FailureModeChoice.LoadAsync(db, cancellationToken) : [];
        return new View(
            entry.Id, kb.Id, kb.Name, kb.Kind, kb.ArchivedAt is not null, entry.Title, entry.ApprovedRevisionId, approved?.Number, entry.IsRetired, live,
            approved is null ? null : RevisionContent.Of(approved), modes,
            [
                .. revisions.Select(r => new RevisionRow(
                    r.Id, r.Number, r.Change, r.State, r.Title, r.Summary, PeopleNames.NameOf(names, r.AuthorId), r.CreatedAt,
                    r.ReviewerId is null ? null : PeopleNames.NameOf(names, r.ReviewerId), r.ReviewedAt, r.Sources)),
            ]);
    }
}
