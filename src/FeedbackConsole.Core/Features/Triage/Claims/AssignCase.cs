using System.Globalization;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Claims;

/// <summary>
/// A lead or admin gives cases to a reviewer (or, with no assignee, back to the queue). An assignment has no
/// lease: it holds until released or reassigned. Several cases are one transaction: one <c>case.assigned</c>
/// event per case changed plus one <c>bulk.assigned</c> summary, all or nothing.
/// </summary>
public sealed class AssignCase(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, CaseChangeFeed feed, TimeProvider time)
{
    private const int MaxAttempts = 3;
    public const int MaxCases = 1000;

    /// <summary>How many cases were (re)assigned; cases already held by the assignee or closed are left alone.</summary>
    public sealed record Outcome(int Assigned, int Skipped);

    public Task<Result<Outcome>> HandleAsync(long caseId, string? assigneeId, string actingUserId, CancellationToken cancellationToken = default) =>
        HandleAsync([caseId], assigneeId, actingUserId, cancellationToken);

    public async Task<Result<Outcome>> HandleAsync(IReadOnlyCollection<long> caseIds, string? assigneeId, string actingUserId, CancellationToken cancellationToken = default)
    {
        var ids = caseIds.Distinct().ToArray();
        if (ids.Length == 0)
        {
            return Result<Outcome>.Fail("Select at least one case.");
        }

        if (ids.Length > MaxCases)
        {
            return Result<Outcome>.Fail($"Assign at most {MaxCases} cases at once.");
        }

        for (var attempt = 1; ; attempt++)
        {
            var now = time.GetUtcNow();
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            if (!await ClaimRules.IsLeadAsync(db, actingUserId, cancellationToken))
            {
                return Result<Outcome>.Fail("Only a lead or an admin can assign cases to others.");
            }

            string? assigneeName = null;
            if (assigneeId is not null)
            {
                var reviewers = await ClaimRules.ReviewersAsync(db, cancellationToken);
                var match = reviewers.FirstOrDefault(r => r.Id == assigneeId);
                if (match.Id is null)
                {
                    return Result<Outcome>.Fail("That person cannot take cases: they have no console role or their account is disabled.");
                }

                assigneeName = match.Name;
            }

            var actor = await AuditActor.OfUserAsync(db, actingUserId, cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var cases = await db.Cases.Where(c => ids.Contains(c.Id)).ToListAsync(cancellationToken);
            if (cases.Count == 0)
            {
                return Result<Outcome>.Fail(ids.Length == 1 ? $"Case #{ids[0]} no longer exists." : "None of those cases exist any more.");
            }

            var entries = new List<AuditEntry>();
            var changed = new List<long>();
            foreach (var @case in cases.OrderBy(c => c.Id))
            {
                var holder = ClaimRules.IsHeld(@case.AssigneeId, @case.LeaseExpiresAt, now) ? @case.AssigneeId : null;
                var alreadyThere = assigneeId is null ? holder is null : holder == assigneeId && @case.LeaseExpiresAt is null;
                if (!ClaimRules.Claimable.Contains(@case.Status) || alreadyThere)
                {
                    continue;
                }

                @case.AssigneeId = assigneeId;
                @case.ClaimedAt = assigneeId is null ? null : now;
                @case.LeaseExpiresAt = null;
                @case.Version = Guid.NewGuid();
                @case.UpdatedAt = now;
                @case.UpdatedById = actingUserId;
                changed.Add(@case.Id);
                entries.Add(new AuditEntry("case.assigned", "case", @case.Id.ToString(CultureInfo.InvariantCulture), @case.ApplicationId,
                    Before: new { assigneeId = holder }, After: new { assigneeId }));
            }

            if (changed.Count == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return Result<Outcome>.Ok(new Outcome(0, ids.Length));
            }

            if (ids.Length > 1)
            {
                entries.Add(BulkSummary.Entry("bulk.assigned", cases.Where(c => changed.Contains(c.Id)).Select(c => c.ApplicationId),
                    new { assigneeId, assigneeName, cases = changed.Count, caseIds = changed }));
            }

            await audit.RecordManyAsync(db, actor, entries, cancellationToken);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                // Someone changed one of the cases between our read and write: read again and re-decide.
                continue;
            }
            catch (DbUpdateConcurrencyException)
            {
                return Result<Outcome>.Fail("Some of these cases kept changing while you assigned them. Reload and try again.");
            }

            feed.Publish(new CaseChange(changed, "assigned", actingUserId));
            return Result<Outcome>.Ok(new Outcome(changed.Count, ids.Length - changed.Count));
        }
    }
}
