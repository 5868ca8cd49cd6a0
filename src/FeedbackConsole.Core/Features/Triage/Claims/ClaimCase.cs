using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Core.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.Triage.Claims;

/// <summary>
/// A reviewer takes a case to work on it: they hold it until they release it or its lease lapses without
/// activity (<c>Triage:ClaimLease</c>). A New case moves to InReview. Claiming a case one already holds
/// renews the lease. A case someone else holds is refused, naming them.
/// </summary>
public sealed class ClaimCase(
    IDbContextFactory<FeedbackDbContext> contexts,
    AuditTrail audit,
    CaseChangeFeed feed,
    TimeProvider time,
    IOptions<TriageOptions> options)
{
    private const int MaxAttempts = 3;

    public async Task<Result<ClaimOutcome>> HandleAsync(long caseId, string userId, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var now = time.GetUtcNow();
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var seen = await ClaimWrites.Snapshots(db.Cases.AsNoTracking().Where(c => c.Id == caseId)).FirstOrDefaultAsync(cancellationToken);
            if (seen is null)
            {
                return Result<ClaimOutcome>.Fail($"Case #{caseId} no longer exists.");
            }

            if (!ClaimRules.Claimable.Contains(seen.Status))
            {
                return Result<ClaimOutcome>.Fail($"Case #{caseId} is {StatusText.Of(seen.Status)}: there is nothing left to claim.");
            }

            if (ClaimRules.IsHeld(seen.AssigneeId, seen.LeaseExpiresAt, now))
            {
                if (seen.AssigneeId != userId)
                {
                    var holder = await ClaimRules.DisplayNameAsync(db, seen.AssigneeId!, cancellationToken);
                    return Result<ClaimOutcome>.Fail($"{holder} is working on case #{caseId}. A lead can reassign it.");
                }

                if (seen.LeaseExpiresAt is null)
                {
                    // Assigned by a lead: held without a lease, nothing to renew.
                    return Result<ClaimOutcome>.Ok(new ClaimOutcome(caseId, userId, null, seen.Version, seen.Status));
                }
            }

            var actor = await AuditActor.OfUserAsync(db, userId, cancellationToken);
            var outcome = await ClaimWrites.TryClaimAsync(db, audit, actor, seen, now, options.Value.ClaimLease, cancellationToken);
            if (outcome is not null)
            {
                feed.Publish(new CaseChange([caseId], "claimed", userId));
                return Result<ClaimOutcome>.Ok(outcome);
            }
        }

        return Result<ClaimOutcome>.Fail($"Case #{caseId} kept changing while you claimed it. Reload it and try again.");
    }
}

/// <summary>How statuses read in sentences: "in review", "correction proposed".</summary>
public static class StatusText
{
    public static string Of(CaseStatus status) => status switch
    {
        CaseStatus.New => "new",
        CaseStatus.InReview => "in review",
        CaseStatus.Labeled => "labeled",
        CaseStatus.CorrectionProposed => "correction proposed",
        CaseStatus.Approved => "approved",
        CaseStatus.Released => "released",
        CaseStatus.Dismissed => "dismissed",
        CaseStatus.Duplicate => "a duplicate",
        _ => status.ToString(),
    };

    /// <summary>Title case for chips and tabs: "In review".</summary>
    public static string Label(CaseStatus status) => status switch
    {
        CaseStatus.InReview => "In review",
        CaseStatus.CorrectionProposed => "Correction proposed",
        _ => status.ToString(),
    };
}
