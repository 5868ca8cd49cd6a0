using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Core.Features.Triage.Cases;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases;

/// <summary>What promotion, rollback and override share: refusals in words, and the cases a release brings live.</summary>
internal static class ReleaseTransitions
{
    public const string ConcurrentChange =
        "Someone else promoted or rolled back a release of this knowledge base at the same moment. Reload to see where it stands.";

    /// <summary>Why a release cannot be promoted because of its state (null: it can be, as far as its state goes).</summary>
    public static string? CheckPromotable(Release release, PromotionTarget target) => (release.State, target) switch
    {
        (ReleaseState.Gated, _) => null,
        (ReleaseState.Shadow, PromotionTarget.Live) => null,
        (ReleaseState.Shadow, PromotionTarget.Shadow) => $"Release {release.Number} is already in shadow.",
        (ReleaseState.Candidate, _) => $"Run the gate on release {release.Number} before promoting it.",
        (ReleaseState.Live, _) => $"Release {release.Number} is already Live.",
        (ReleaseState.Superseded, _) => $"Release {release.Number} was superseded by a later release; build a new candidate instead.",
        (ReleaseState.RolledBack, _) => $"Release {release.Number} was rolled back; build a new candidate instead.",
        _ => $"Release {release.Number} cannot be promoted from {release.State}.",
    };

    /// <summary>Why the gate does not allow promotion (null: Passed or Overridden).</summary>
    public static string? CheckGate(Release release) => release.Gate switch
    {
        GateOutcome.Passed or GateOutcome.Overridden => null,
        GateOutcome.Failed => $"Release {release.Number} failed its gate. A Lead may override the gate with a written reason, then promote it.",
        _ => $"Run the gate on release {release.Number} before promoting it.",
    };

    /// <summary>
    /// Moves the source cases of the corrections that go Live with <paramref name="release"/> from Approved to Released,
    /// with one <c>case.status_changed</c> entry each, and returns the case ids moved. A correction goes Live when its
    /// entry's revision in the release is it or a later one (a reviewer may refine a correction before it ships), and
    /// <paramref name="previousLiveId"/> served an earlier one or none; an entry retired by this release releases the
    /// sources of its retirement.
    /// </summary>
    public static async Task<List<long>> ReleaseCasesAsync(
        FeedbackDbContext db, Release release, Guid? previousLiveId, string actingUserId, DateTimeOffset now, List<AuditEntry> entries,
        CancellationToken cancellationToken)
    {
        var liveNow = await CorrectionRevisionIdsAsync(db, release.Id, previousLiveId, cancellationToken);
        var caseIds = db.RevisionSources.Where(s => liveNow.Contains(s.RevisionId)).Select(s => s.CaseId);
        var cases = await db.Cases.Where(c => caseIds.Contains(c.Id) && c.Status == CaseStatus.Approved).OrderBy(c => c.Id).ToListAsync(cancellationToken);
        foreach (var kase in cases)
        {
            kase.Status = CaseStatus.Released;
            kase.ResolvedAt = now;
            kase.UpdatedAt = now;
            kase.UpdatedById = actingUserId;
            kase.Version = Guid.NewGuid();
            entries.Add(new AuditEntry(CaseActions.StatusChanged, CaseActions.EntityType, CaseActions.EntityId(kase.Id), kase.ApplicationId,
                Before: new { status = nameof(CaseStatus.Approved) }, After: new { status = nameof(CaseStatus.Released) },
                Reason: $"Its correction went Live in release {release.Number}."));
        }

        return [.. cases.Select(c => c.Id)];
    }

    /// <summary>
    /// The approved revisions whose corrections <paramref name="releaseId"/> brings compared with <paramref name="previousId"/>:
    /// for each entry it serves differently, every approved revision after the one served before, up to the one it
    /// serves now (a reviewer may refine a correction before it ships); for each entry it retires, the retirement.
    /// </summary>
    public static async Task<Guid[]> CorrectionRevisionIdsAsync(FeedbackDbContext db, Guid releaseId, Guid? previousId, CancellationToken cancellationToken)
    {
        // Entry → revision number, in this release and in the one it replaces; only entries that differ matter.
        var served = await db.ReleaseEntries.Where(e => e.ReleaseId == releaseId)
            .Where(e => !db.ReleaseEntries.Any(b => b.ReleaseId == previousId && b.EntryId == e.EntryId && b.RevisionId == e.RevisionId))
            .Join(db.EntryRevisions, e => e.RevisionId, r => r.Id, (e, r) => new { e.EntryId, r.Number })
            .ToDictionaryAsync(e => e.EntryId, e => e.Number, cancellationToken);
        var before = previousId is null
            ? []
            : await db.ReleaseEntries.Where(b => b.ReleaseId == previousId)
                .Where(b => !db.ReleaseEntries.Any(e => e.ReleaseId == releaseId && e.EntryId == b.EntryId && e.RevisionId == b.RevisionId))
                .Join(db.EntryRevisions, b => b.RevisionId, r => r.Id, (b, r) => new { b.EntryId, r.Number })
                .ToDictionaryAsync(b => b.EntryId, b => b.Number, cancellationToken);
        var touched = served.Keys.Union(before.Keys).ToArray();
        var candidates = touched.Length == 0
            ? []
            : await db.EntryRevisions.AsNoTracking()
                .Where(r => touched.Contains(r.EntryId) && r.State == RevisionState.Approved)
                .Select(r => new { r.Id, r.EntryId, r.Number, r.Change })
                .ToListAsync(cancellationToken);
        return candidates
            .Where(r => r.Number > before.GetValueOrDefault(r.EntryId)
                        && (served.TryGetValue(r.EntryId, out var upTo) ? r.Number <= upTo : r.Change == RevisionChange.Retire))
            .Select(r => r.Id)
            .ToArray();
    }


    public static AuditEntry Entry(string action, Release release, Guid applicationId, object? before, object? after, string? reason = null) =>
        new(action, ReleaseActions.ReleaseEntity, ReleaseActions.Id(release.Id), applicationId, before, after, reason);
}

/// <summary>Where a promotion takes a release.</summary>
public enum PromotionTarget
{
    /// <summary>Served to apps that ask for the shadow release, beside Live.</summary>
    Shadow,

    Live,
}
