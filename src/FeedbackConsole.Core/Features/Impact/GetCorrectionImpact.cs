using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using FeedbackConsole.Core.Features.Enrichment;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Impact;

/// <summary>
/// What one correction (an entry revision that came from cases) changed: its source cases and signals, who
/// contributed, the release that shipped it, how often it was served per day, satisfaction before and after, and
/// the notifications its cases sent.
/// </summary>
public sealed class GetCorrectionImpact(IDbContextFactory<FeedbackDbContext> contexts, INotifiedUsersSource notified)
{
    public const int MaxSignalsShown = 200;

    public sealed record SourceSignal(long Id, long CaseId, SignalKind Kind, int Polarity, string? Detail, string? EndUserId, DateTimeOffset OccurredAt);

    public sealed record SourceCase(long Id, CaseStatus Status, string Input, int SignalCount);

    public sealed record ServedDay(DateOnly Day, long Count);

    public sealed record Detail(
        Guid RevisionId,
        Guid EntryId,
        int RevisionNumber,
        string Title,
        RevisionChange Change,
        RevisionState State,
        Guid KnowledgeBaseId,
        string KnowledgeBaseKey,
        string KnowledgeBaseName,
        Guid ApplicationId,
        string Author,
        string? Approver,
        IReadOnlyList<SourceCase> Cases,
        IReadOnlyList<SourceSignal> Signals,
        int EndUserCount,
        ReleasedCorrection? Release,
        IReadOnlyList<ServedDay> Served,
        IReadOnlyList<string> FailureModes,
        CorrectionOutcome? Outcome,
        int? NotificationsSent);

    public async Task<Detail?> HandleAsync(Guid revisionId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var head = await (
                from rev in db.EntryRevisions.AsNoTracking()
                where rev.Id == revisionId
                join kb in db.KnowledgeBases on rev.KnowledgeBaseId equals kb.Id
                select new { Revision = rev, kb.Key, kb.Name, kb.ApplicationId })
            .FirstOrDefaultAsync(cancellationToken);
        if (head is null)
        {
            return null;
        }

        var r = head.Revision;
        var caseIds = await db.RevisionSources.AsNoTracking().Where(s => s.RevisionId == revisionId).Select(s => s.CaseId).Distinct().ToListAsync(cancellationToken);
        var cases = await (
                from c in db.Cases.AsNoTracking()
                where caseIds.Contains(c.Id)
                join i in db.Interactions on c.InteractionId equals i.Id
                orderby c.Id
                select new { c.Id, c.Status, i.Input, c.SignalCount, c.InteractionId })
            .ToListAsync(cancellationToken);
        var interactionIds = cases.Select(c => c.InteractionId).ToList();
        var caseOf = cases.ToDictionary(c => c.InteractionId, c => c.Id);
        var signals = (await db.Signals.AsNoTracking()
                .Where(s => s.InteractionId != null && interactionIds.Contains(s.InteractionId.Value))
                .OrderBy(s => s.OccurredAt).Take(MaxSignalsShown)
                .ToListAsync(cancellationToken))
            .Select(s => new SourceSignal(s.Id, caseOf[s.InteractionId!.Value], s.Kind, SignalPolarity.Of(s), DetailOf(s), s.EndUserId, s.OccurredAt))
            .ToList();
        var endUsers = await db.Signals.AsNoTracking()
            .Where(s => s.InteractionId != null && interactionIds.Contains(s.InteractionId.Value) && s.EndUserId != null)
            .Select(s => s.EndUserId).Distinct().CountAsync(cancellationToken);
        var names = await PeopleNames.LoadAsync(db, [r.AuthorId, r.ReviewerId], cancellationToken);

        var release = (await ImpactCorrections.LoadAsync(db, head.ApplicationId, revisionId, cancellationToken)).FirstOrDefault(c => c.RevisionId == revisionId);
        List<ServedDay> served = [];
        CorrectionOutcome? outcome = null;
        if (release is not null)
        {
            var served1 = release.ServedRevisionIds.ToList();
            served = (await db.EntryServingTallies.AsNoTracking().Where(t => served1.Contains(t.RevisionId)).Select(t => new { t.Hour, t.Count }).ToListAsync(cancellationToken))
                .GroupBy(t => ImpactRollup.DayOf(t.Hour))
                .OrderBy(g => g.Key)
                .Select(g => new ServedDay(g.Key, g.Sum(t => t.Count)))
                .ToList();
            outcome = (await ImpactCorrections.OutcomesAsync(db, head.ApplicationId, [release], cancellationToken))[revisionId];
        }

        var modeIds = await db.CaseFailureModes.AsNoTracking().Where(m => caseIds.Contains(m.CaseId)).Select(m => m.FailureModeId).Distinct().ToListAsync(cancellationToken);
        var modeKeys = await db.FailureModes.AsNoTracking().Where(m => modeIds.Contains(m.Id)).OrderBy(m => m.Key).Select(m => m.Key).ToListAsync(cancellationToken);
        var notifications = await notified.NotificationsForCasesAsync(caseIds, cancellationToken);
        return new Detail(
            r.Id, r.EntryId, r.Number, r.Title, r.Change, r.State, r.KnowledgeBaseId, head.Key, head.Name, head.ApplicationId,
            names.GetValueOrDefault(r.AuthorId, r.AuthorId), r.ReviewerId is null ? null : names.GetValueOrDefault(r.ReviewerId, r.ReviewerId),
            [.. cases.Select(c => new SourceCase(c.Id, c.Status, c.Input.Length > 160 ? c.Input[..160] + "…" : c.Input, c.SignalCount))],
            signals, endUsers, release, served, modeKeys, outcome, notifications);
    }

    private static string? DetailOf(Signal s) => s.Kind switch
    {
        SignalKind.Thumb => s.ThumbUp == true ? "up" : "down",
        SignalKind.Rating => $"{s.Rating}/5{(s.Dimension is null ? "" : " " + s.Dimension)}",
        SignalKind.Flag => s.Flag?.ToString(),
        _ => s.Text is { Length: > 200 } text ? text[..200] + "…" : s.Text,
    };
}

/// <summary>The corrections (revisions) that came from a case, for links from the case page to their impact.</summary>
public sealed class ListCaseCorrections(IDbContextFactory<FeedbackDbContext> contexts)
{
    public sealed record Row(Guid RevisionId, string Title, int Number, RevisionState State, string KnowledgeBaseKey);

    public async Task<IReadOnlyList<Row>> HandleAsync(long caseId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await (
                from s in db.RevisionSources.AsNoTracking()
                where s.CaseId == caseId
                join r in db.EntryRevisions on s.RevisionId equals r.Id
                join kb in db.KnowledgeBases on r.KnowledgeBaseId equals kb.Id
                orderby r.CreatedAt
                select new Row(r.Id, r.Title, r.Number, r.State, kb.Key))
            .ToListAsync(cancellationToken);
    }
}
