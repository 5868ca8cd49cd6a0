using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.KnowledgeBases;

/// <summary>One knowledge base's settings and counts, for the head of its entries page and its edit dialog.</summary>
public sealed class GetKnowledgeBase(IDbContextFactory<FeedbackDbContext> contexts)
{
    public sealed record View(
        Guid Id,
        Guid ApplicationId,
        string ApplicationName,
        string Key,
        string Name,
        KnowledgeBaseKind Kind,
        string? Description,
        GateThresholds Gate,
        DateTimeOffset? ArchivedAt,
        int EntryCount,
        int PendingProposals,
        int? LiveReleaseNumber,
        IReadOnlyList<FailureModeChoice> FailureModes)
    {
        public bool IsArchived => ArchivedAt is not null;
    }

    public async Task<View?> HandleAsync(Guid knowledgeBaseId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var kb = await db.KnowledgeBases.AsNoTracking().FirstOrDefaultAsync(k => k.Id == knowledgeBaseId, cancellationToken);
        if (kb is null)
        {
            return null;
        }

        var applicationName = await db.Applications.AsNoTracking().Where(a => a.Id == kb.ApplicationId).Select(a => a.Name).FirstAsync(cancellationToken);
        var entries = await db.KnowledgeEntries.CountAsync(e => e.KnowledgeBaseId == kb.Id && e.ApprovedRevisionId != null && !e.IsRetired, cancellationToken);
        var pending = await db.EntryRevisions.CountAsync(r => r.KnowledgeBaseId == kb.Id && r.State == RevisionState.Proposed, cancellationToken);
        var live = kb.LiveReleaseId is { } liveId
            ? await db.Releases.Where(r => r.Id == liveId).Select(r => (int?)r.Number).FirstOrDefaultAsync(cancellationToken)
            : null;
        var modes = kb.Kind == KnowledgeBaseKind.Examples ? await FailureModeChoice.LoadAsync(db, cancellationToken) : [];
        return new View(
            kb.Id, kb.ApplicationId, applicationName, kb.Key, kb.Name, kb.Kind, kb.Description,
            new GateThresholds(kb.GateK, kb.MinRecallAtK, kb.MinMrr, kb.MinPassRate, kb.MaxRegressions),
            kb.ArchivedAt, entries, pending, live, modes);
    }
}
