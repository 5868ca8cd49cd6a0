using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.Triage.Claims;

/// <summary>
/// Activity on a case the person holds extends their lease. Not a decision (no audit event) and not a change
/// of the case (its version stays, so an open editor never becomes stale by it). A lapsed claim nobody else
/// took is picked up again; one someone else took is refused, naming them.
/// </summary>
public sealed class RenewClaim(IDbContextFactory<FeedbackDbContext> contexts, TimeProvider time, IOptions<TriageOptions> options)
{
    /// <summary>The new lease end; null when the case is assigned (held without a lease).</summary>
    public async Task<Result<DateTimeOffset?>> HandleAsync(long caseId, string userId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var expires = now + options.Value.ClaimLease;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var updated = await db.Cases
            .Where(c => c.Id == caseId && c.AssigneeId == userId && c.LeaseExpiresAt != null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LeaseExpiresAt, expires), cancellationToken);
        if (updated == 1)
        {
            return Result<DateTimeOffset?>.Ok(expires);
        }

        var current = await db.Cases.AsNoTracking().Where(c => c.Id == caseId).Select(c => new { c.AssigneeId, c.LeaseExpiresAt }).FirstOrDefaultAsync(cancellationToken);
        if (current is null)
        {
            return Result<DateTimeOffset?>.Fail($"Case #{caseId} no longer exists.");
        }

        if (current.AssigneeId == userId)
        {
            return Result<DateTimeOffset?>.Ok(null);
        }

        if (current.AssigneeId is null || !ClaimRules.IsHeld(current.AssigneeId, current.LeaseExpiresAt, now))
        {
            return Result<DateTimeOffset?>.Fail($"You no longer hold case #{caseId}. Claim it again to keep working on it.");
        }

        var holder = await ClaimRules.DisplayNameAsync(db, current.AssigneeId, cancellationToken);
        return Result<DateTimeOffset?>.Fail($"{holder} has taken case #{caseId} since your claim lapsed.");
    }
}
