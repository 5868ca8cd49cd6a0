using System.Globalization;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Claims;

/// <summary>What a claim needs to know of a case as it was read (the version is the condition of the write).</summary>
internal sealed record ClaimSnapshot(long Id, Guid ApplicationId, CaseStatus Status, string? AssigneeId, DateTimeOffset? LeaseExpiresAt, Guid Version);

/// <summary>
/// The one conditional write behind "claim" and "Next case": UPDATE … WHERE Id = @id AND Version = @seen AND
/// (nobody holds it OR its lease lapsed OR the claimant already holds it). Zero rows means someone else got
/// there first; the caller reads again or moves on. The audit event is appended in the same transaction.
/// </summary>
internal static class ClaimWrites
{
    public static IQueryable<ClaimSnapshot> Snapshots(IQueryable<Case> cases) =>
        cases.Select(c => new ClaimSnapshot(c.Id, c.ApplicationId, c.Status, c.AssigneeId, c.LeaseExpiresAt, c.Version));

    /// <summary>Claims the case for <paramref name="actor"/> if it is still as <paramref name="seen"/>; null when the race was lost.</summary>
    public static async Task<ClaimOutcome?> TryClaimAsync(
        FeedbackDbContext db, AuditTrail audit, AuditActor actor, ClaimSnapshot seen, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var userId = actor.Id!;
        var expires = now + lease;
        var version = Guid.NewGuid();
        var status = seen.Status == CaseStatus.New ? CaseStatus.InReview : seen.Status;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.Cases
            .Where(c => c.Id == seen.Id && c.Version == seen.Version && (c.AssigneeId == null || c.LeaseExpiresAt < now || c.AssigneeId == userId))
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.AssigneeId, userId)
                .SetProperty(c => c.ClaimedAt, now)
                .SetProperty(c => c.LeaseExpiresAt, expires)
                .SetProperty(c => c.Status, status)
                .SetProperty(c => c.Version, version)
                .SetProperty(c => c.UpdatedAt, now)
                .SetProperty(c => c.UpdatedById, userId), cancellationToken);
        if (updated == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return null;
        }

        var previousHolder = ClaimRules.IsHeld(seen.AssigneeId, seen.LeaseExpiresAt, now) ? seen.AssigneeId : null;
        await audit.RecordAsync(db, actor, new AuditEntry(
            "case.claimed", "case", seen.Id.ToString(CultureInfo.InvariantCulture), seen.ApplicationId,
            Before: status == seen.Status
                ? new { assigneeId = previousHolder }
                : new { assigneeId = previousHolder, status = seen.Status.ToString() },
            After: status == seen.Status
                ? new { assigneeId = (string?)userId, leaseExpiresAt = (DateTimeOffset?)expires }
                : (object)new { assigneeId = (string?)userId, leaseExpiresAt = (DateTimeOffset?)expires, status = status.ToString() }), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ClaimOutcome(seen.Id, userId, expires, version, status);
    }
}
