using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases;

/// <summary>A knowledge base's releases, newest first, with what a new candidate would change against Live.</summary>
public sealed class ListReleases(IDbContextFactory<FeedbackDbContext> contexts)
{
    public sealed record KnowledgeBaseHeader(
        Guid Id, string Name, string Key, KnowledgeBaseKind Kind, Guid ApplicationId, string ApplicationName, bool IsArchived,
        Guid? LiveReleaseId, Guid? ShadowReleaseId);

    public sealed record Row(
        Guid Id, int Number, ReleaseState State, GateOutcome? Gate, int EntryCount, int AddedCount, int ChangedCount, int RetiredCount,
        string? Notes, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? LiveAt, DateTimeOffset? EndedAt);

    /// <summary>The releases, and what a candidate built now would add, change and retire against Live.</summary>
    public sealed record Overview(
        KnowledgeBaseHeader KnowledgeBase, IReadOnlyList<Row> Releases, int ApprovedEntries, int PendingAdded, int PendingChanged, int PendingRetired)
    {
        public int PendingTotal => PendingAdded + PendingChanged + PendingRetired;

        public Row? Live => Releases.FirstOrDefault(r => r.Id == KnowledgeBase.LiveReleaseId);
    }

    public async Task<Overview?> HandleAsync(Guid knowledgeBaseId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var header = await HeaderAsync(db, knowledgeBaseId, cancellationToken);
        if (header is null)
        {
            return null;
        }

        var rows = await db.Releases.AsNoTracking()
            .Where(r => r.KnowledgeBaseId == knowledgeBaseId)
            .OrderByDescending(r => r.Number)
            .Select(r => new
            {
                r.Id, r.Number, r.State, r.Gate, r.EntryCount, r.AddedCount, r.ChangedCount, r.RetiredCount, r.Notes, r.CreatedById, r.CreatedAt,
                r.LiveAt, r.EndedAt,
            })
            .ToListAsync(cancellationToken);
        var names = await PeopleNames.LoadAsync(db, rows.Select(r => r.CreatedById), cancellationToken);
        var approved = await ReleaseSnapshot.ApprovedAsync(db, knowledgeBaseId, cancellationToken);
        var pending = ReleaseSnapshot.Compare(await ReleaseSnapshot.OfReleaseAsync(db, header.LiveReleaseId, cancellationToken), approved);
        return new Overview(
            header,
            [.. rows.Select(r => new Row(r.Id, r.Number, r.State, r.Gate, r.EntryCount, r.AddedCount, r.ChangedCount, r.RetiredCount, r.Notes,
                names.GetValueOrDefault(r.CreatedById, "someone"), r.CreatedAt, r.LiveAt, r.EndedAt))],
            approved.Count, pending.Added.Count, pending.Changed.Count, pending.Retired.Count);
    }

    internal static Task<KnowledgeBaseHeader?> HeaderAsync(FeedbackDbContext db, Guid knowledgeBaseId, CancellationToken cancellationToken) =>
        db.KnowledgeBases.AsNoTracking()
            .Where(k => k.Id == knowledgeBaseId)
            .Join(db.Applications, k => k.ApplicationId, a => a.Id, (k, a) => new KnowledgeBaseHeader(
                k.Id, k.Name, k.Key, k.Kind, k.ApplicationId, a.Name, k.ArchivedAt != null, k.LiveReleaseId, k.ShadowReleaseId))
            .FirstOrDefaultAsync(cancellationToken);
}
