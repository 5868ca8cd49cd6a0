using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.KnowledgeBases.Revisions;

/// <summary>
/// One revision for review: its content diffed field by field against the current approved revision (while it is
/// proposed) or against the revision it was written on (once decided), its source cases, and what the person
/// looking may do with it (approve, reject, withdraw — or why not).
/// </summary>
public sealed class GetRevision(IDbContextFactory<FeedbackDbContext> contexts)
{
    public const int SnippetLength = 200;

    public sealed record View(
        Guid Id,
        int Number,
        RevisionChange Change,
        RevisionState State,
        string Summary,
        string AuthorId,
        string AuthorName,
        DateTimeOffset CreatedAt,
        string? ReviewerName,
        DateTimeOffset? ReviewedAt,
        string? ReviewComment,
        KnowledgeBaseRef KnowledgeBase,
        Guid EntryId,
        string EntryTitle,
        int? EntryApprovedNumber,
        RevisionContent Content,
        int? ComparedNumber,
        IReadOnlyList<FieldDiff> Diffs,
        IReadOnlyList<Source> Sources,
        bool IsStale,
        string? ApproveBlockedReason,
        bool CanReject,
        bool CanWithdraw)
    {
        public bool IsOpen => State == RevisionState.Proposed;
    }

    public sealed record KnowledgeBaseRef(Guid Id, string Key, string Name, KnowledgeBaseKind Kind, Guid ApplicationId, string ApplicationName, bool IsArchived);

    /// <summary>A case the revision came from: its status now, the question asked, and the end user's correction (if linked).</summary>
    public sealed record Source(long CaseId, CaseStatus Status, string Input, long? SignalId, string? SignalText);

    public async Task<View?> HandleAsync(Guid revisionId, string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var revision = await db.EntryRevisions.AsNoTracking().Include(r => r.Sources).FirstOrDefaultAsync(r => r.Id == revisionId, cancellationToken);
        if (revision is null)
        {
            return null;
        }

        var entry = await db.KnowledgeEntries.AsNoTracking().FirstAsync(e => e.Id == revision.EntryId, cancellationToken);
        var kb = await (from k in db.KnowledgeBases.AsNoTracking()
                        join a in db.Applications on k.ApplicationId equals a.Id
                        where k.Id == revision.KnowledgeBaseId
                        select new KnowledgeBaseRef(k.Id, k.Key, k.Name, k.Kind, a.Id, a.Name, k.ArchivedAt != null))
            .FirstAsync(cancellationToken);

        // A proposal is shown against what approving it would replace; a decided revision against what it was written on.
        var comparedId = revision.State == RevisionState.Proposed ? entry.ApprovedRevisionId : revision.BasedOnRevisionId;
        var compared = comparedId is { } id ? await db.EntryRevisions.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken) : null;
        var approvedNumber = entry.ApprovedRevisionId is { } approvedId
            ? entry.ApprovedRevisionId == compared?.Id ? compared.Number
            : await db.EntryRevisions.Where(r => r.Id == approvedId).Select(r => (int?)r.Number).FirstOrDefaultAsync(cancellationToken)
            : null;

        var content = RevisionContent.Of(revision);
        var diffs = RevisionDiff.Compute(kb.Kind, compared is null ? null : RevisionContent.Of(compared), content);

        var caseIds = revision.Sources.Select(s => s.CaseId).ToList();
        var signalIds = revision.Sources.Where(s => s.SignalId != null).Select(s => s.SignalId!.Value).ToList();
        var cases = await db.Cases.AsNoTracking().Where(c => caseIds.Contains(c.Id))
            .Select(c => new { c.Id, c.Status, Input = c.Interaction!.Input.Substring(0, SnippetLength) })
            .ToDictionaryAsync(c => c.Id, cancellationToken);
        var signals = signalIds.Count == 0
            ? []
            : await db.Signals.AsNoTracking().Where(s => signalIds.Contains(s.Id))
                .Select(s => new { s.Id, Text = s.Text!.Substring(0, SnippetLength) })
                .ToDictionaryAsync(s => s.Id, s => s.Text, cancellationToken);
        var sources = revision.Sources
            .Where(s => cases.ContainsKey(s.CaseId))
            .OrderBy(s => s.CaseId)
            .Select(s => new Source(s.CaseId, cases[s.CaseId].Status, cases[s.CaseId].Input, s.SignalId,
                s.SignalId is { } sid ? signals.GetValueOrDefault(sid) : null))
            .ToList();

        var names = await PeopleNames.LoadAsync(db, [revision.AuthorId, revision.ReviewerId], cancellationToken);
        var stale = revision.State == RevisionState.Proposed && RevisionDecisions.IsStale(revision.Change, revision.BasedOnRevisionId, entry.ApprovedRevisionId);
        var blocked = RevisionDecisions.WhyCannotApprove(
            revision.State, revision.AuthorId, revision.Change, revision.BasedOnRevisionId, entry.ApprovedRevisionId, actingUserId, approvedNumber);
        if (blocked is null && kb.IsArchived)
        {
            blocked = "The knowledge base is archived: nothing in it can be approved.";
        }

        var open = revision.State == RevisionState.Proposed;
        return new View(
            revision.Id, revision.Number, revision.Change, revision.State, revision.Summary, revision.AuthorId,
            PeopleNames.NameOf(names, revision.AuthorId), revision.CreatedAt,
            revision.ReviewerId is null ? null : PeopleNames.NameOf(names, revision.ReviewerId), revision.ReviewedAt, revision.ReviewComment,
            kb, entry.Id, entry.Title, approvedNumber, content, compared?.Number, diffs, sources, stale, blocked,
            CanReject: open && revision.AuthorId != actingUserId,
            CanWithdraw: open && revision.AuthorId == actingUserId);
    }
}
