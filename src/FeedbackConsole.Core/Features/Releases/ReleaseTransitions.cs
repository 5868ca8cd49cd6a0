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
    /// Moves the source cases of the revisions new in <paramref name="release"/> (not served by <paramref name="previousLiveId"/>)
    /// from Approved to Released, with one <c>case.status_changed</c> entry each. Returns the case ids moved.
    /// </summary>
    public static async Task<List<long>> ReleaseCasesAsync(
        FeedbackDbContext db, Release release, Guid? previousLiveId, string actingUserId, DateTimeOffset now, List<AuditEntry> entries,
        CancellationToken cancellationToken)
    {
        var newRevisions = db.ReleaseEntries
            .Where(e => e.ReleaseId == release.Id
                        && !db.ReleaseEntries.Any(b => b.ReleaseId == previousLiveId && b.EntryId == e.EntryId && b.RevisionId == e.RevisionId))
            .Select(e => e.RevisionId);
        var caseIds = db.RevisionSources.Where(s => newRevisions.Contains(s.RevisionId)).Select(s => s.CaseId);
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
