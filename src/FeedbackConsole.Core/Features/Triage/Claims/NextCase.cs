using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Core.Features.Triage.Queue;
using FeedbackConsole.Core.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.Triage.Claims;

/// <summary>
/// "Next case": claims the highest-priority open case of the reviewer's current view that nobody holds (or
/// whose lease lapsed). Each candidate is taken with a conditional UPDATE on the version it was read at;
/// a candidate another reviewer took in between is skipped, so two reviewers pressing Next at once never
/// get the same case.
/// </summary>
public sealed class NextCase(
    IDbContextFactory<FeedbackDbContext> contexts,
    AuditTrail audit,
    CaseChangeFeed feed,
    TimeProvider time,
    IOptions<TriageOptions> options)
{
    private const int Candidates = 5;
    private const int MaxRounds = 5;

    /// <summary>The claimed case, or a readable reason there is none.</summary>
    public async Task<Result<ClaimOutcome>> HandleAsync(string userId, QueueFilter? view = null, CancellationToken cancellationToken = default)
    {
        var filter = (view ?? QueueFilter.Default) with { Assignee = AssigneeScope.Unassigned, AssigneeId = null };
        filter = filter with { Statuses = filter.Statuses.Intersect(CaseStatusSet.Of(ClaimRules.Claimable)) };
        if (filter.Statuses.IsEmpty)
        {
            return Result<ClaimOutcome>.Fail("This view shows only closed cases; there is no next case to claim in it.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var actor = await AuditActor.OfUserAsync(db, userId, cancellationToken);
        var modeIds = await QueueQuery.ResolveFailureModeIdsAsync(db, filter.FailureMode, cancellationToken);
        for (var round = 0; round < MaxRounds; round++)
        {
            var now = time.GetUtcNow();
            var candidates = await ClaimWrites.Snapshots(
                    QueueQuery.Order(QueueQuery.Apply(db.Cases.AsNoTracking(), db, filter, userId, now, modeIds), QueueSort.Priority, descending: true)
                        .Take(Candidates))
                .ToListAsync(cancellationToken);
            if (candidates.Count == 0)
            {
                return Result<ClaimOutcome>.Fail(view?.HasFilters == true
                    ? "No open case in this view is waiting: every one is claimed or done. Clear filters to look wider."
                    : "No open case is waiting: every one is claimed or done.");
            }

            foreach (var candidate in candidates)
            {
                var outcome = await ClaimWrites.TryClaimAsync(db, audit, actor, candidate, now, options.Value.ClaimLease, cancellationToken);
                if (outcome is not null)
                {
                    feed.Publish(new CaseChange([candidate.Id], "claimed", userId));
                    return Result<ClaimOutcome>.Ok(outcome);
                }
            }
        }

        return Result<ClaimOutcome>.Fail("Other reviewers are taking cases very fast right now. Press Next again.");
    }
}
