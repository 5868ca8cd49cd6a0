using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using FeedbackConsole.Core.Features.Releases.EvalSuites;
using FeedbackConsole.Core.Features.Releases.Gates;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases;

/// <summary>One release: its state and gate, what it is compared against, the latest gate run and what may be done next.</summary>
public sealed class GetRelease(IDbContextFactory<FeedbackDbContext> contexts)
{
    /// <summary>The release; <c>…Blocked</c> say why an action cannot be taken now (null: it can).</summary>
    public sealed record Detail(
        Guid Id,
        int Number,
        ReleaseState State,
        GateOutcome? Gate,
        ListReleases.KnowledgeBaseHeader KnowledgeBase,
        Guid? BaseReleaseId,
        int? BaseNumber,
        int? LiveNumber,
        string? Notes,
        int EntryCount,
        int AddedCount,
        int ChangedCount,
        int RetiredCount,
        string CreatedBy,
        DateTimeOffset CreatedAt,
        DateTimeOffset? ShadowAt,
        DateTimeOffset? LiveAt,
        DateTimeOffset? EndedAt,
        string? OverrideReason,
        string? OverriddenBy,
        DateTimeOffset? OverriddenAt,
        GateRunSummary? LatestGateRun,
        int GateRunCount,
        int EvalCaseCount,
        IReadOnlyList<HeldOutConflict> HeldOutConflicts,
        string? PromoteShadowBlocked,
        string? PromoteLiveBlocked,
        string? RollbackBlocked,
        string? RunGateBlocked)
    {
        public bool CanOverride => State == ReleaseState.Gated && Gate == GateOutcome.Failed;
    }

    public async Task<Detail?> HandleAsync(Guid releaseId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // The latest run before the release: a run's completion and the release's gate verdict commit together, so a
        // run read as completed is always seen with its verdict. Read the other way round, a commit falling between
        // the two reads showed "completed" beside "not gated", and the page stopped refreshing there.
        var latest = await GateRunQueries.LatestAsync(db, releaseId, cancellationToken);
        var release = await db.Releases.AsNoTracking().FirstOrDefaultAsync(r => r.Id == releaseId, cancellationToken);
        if (release is null)
        {
            return null;
        }

        var kb = (await ListReleases.HeaderAsync(db, release.KnowledgeBaseId, cancellationToken))!;
        var numbers = await db.Releases.AsNoTracking()
            .Where(r => r.Id == release.BaseReleaseId || r.Id == kb.LiveReleaseId)
            .Select(r => new { r.Id, r.Number })
            .ToDictionaryAsync(r => r.Id, r => r.Number, cancellationToken);
        int? Number(Guid? id) => id is { } value && numbers.TryGetValue(value, out var n) ? n : null;

        var runs = await db.GateRuns.CountAsync(g => g.ReleaseId == release.Id, cancellationToken);
        var evalCases = await db.EvalCases.CountAsync(c => c.KnowledgeBaseId == release.KnowledgeBaseId && c.ArchivedAt == null, cancellationToken);
        var names = await PeopleNames.LoadAsync(db, [release.CreatedById, release.OverriddenById], cancellationToken);
        var conflicts = release.State is ReleaseState.Candidate or ReleaseState.Gated or ReleaseState.Shadow
            ? await HeldOutOverlap.AgainstReleaseAsync(db, release.KnowledgeBaseId, release.Id, cancellationToken)
            : [];

        var staleBase = release.BaseReleaseId != kb.LiveReleaseId
            ? $"Release {release.Number} was built against {(Number(release.BaseReleaseId) is { } b ? $"release {b}" : "no Live release")}, " +
              $"but {(Number(kb.LiveReleaseId) is { } l ? $"release {l}" : "no release")} is Live now: build a new candidate."
            : null;
        string? Promote(PromotionTarget target) =>
            ReleaseTransitions.CheckPromotable(release, target) ?? (latest is { IsRunning: true } ? "A gate run is in progress." : null)
            ?? ReleaseTransitions.CheckGate(release) ?? staleBase;
        var rollback = release.State != ReleaseState.Live
            ? "Only the Live release can be rolled back."
            : release.BaseReleaseId is null ? $"Release {release.Number} is the first release: there is no earlier release to go back to." : null;
        var runGate = release.State is not (ReleaseState.Candidate or ReleaseState.Gated)
            ? $"The gate runs on candidates; release {release.Number} is {release.State}."
            : latest is { IsRunning: true } ? "A gate run is in progress." : staleBase;

        return new Detail(
            release.Id, release.Number, release.State, release.Gate, kb, release.BaseReleaseId, Number(release.BaseReleaseId), Number(kb.LiveReleaseId),
            release.Notes, release.EntryCount, release.AddedCount, release.ChangedCount, release.RetiredCount,
            names.GetValueOrDefault(release.CreatedById, "someone"), release.CreatedAt, release.ShadowAt, release.LiveAt, release.EndedAt,
            release.OverrideReason, release.OverriddenById is { } o ? names.GetValueOrDefault(o, "someone") : null, release.OverriddenAt,
            latest, runs, evalCases, conflicts, Promote(PromotionTarget.Shadow), Promote(PromotionTarget.Live), rollback, runGate);
    }
}
