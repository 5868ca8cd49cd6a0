using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Core.Features.Triage;
using FeedbackConsole.Core.Features.Triage.Cases;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.KnowledgeBases.Revisions;

/// <summary>
/// Approve, reject or withdraw a proposed revision. Each is one transaction: the revision's state (changed only
/// if it is still Proposed, so two people deciding at once cannot both win), the entry, the source cases' status,
/// and the audit events. Four-eyes: the approver is never the author — checked here, not only in the page.
/// </summary>
public sealed class RevisionDecisions(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, CaseChangeFeed feed, TimeProvider time)
{
    private enum Decision
    {
        Approve,
        Reject,
        Withdraw,
    }

    /// <summary>Approves: the entry's next release takes this revision; its source cases become Approved.</summary>
    public Task<Result> ApproveAsync(Guid revisionId, string? comment, string actingUserId, CancellationToken cancellationToken = default) =>
        DecideAsync(revisionId, Decision.Approve, comment, actingUserId, cancellationToken);

    /// <summary>Rejects with a required comment; source cases with no other open proposal go back to Labeled.</summary>
    public Task<Result> RejectAsync(Guid revisionId, string? comment, string actingUserId, CancellationToken cancellationToken = default) =>
        DecideAsync(revisionId, Decision.Reject, comment, actingUserId, cancellationToken);

    /// <summary>The author takes their own proposal back; source cases as on a rejection.</summary>
    public Task<Result> WithdrawAsync(Guid revisionId, string? comment, string actingUserId, CancellationToken cancellationToken = default) =>
        DecideAsync(revisionId, Decision.Withdraw, comment, actingUserId, cancellationToken);

    /// <summary>Null when <paramref name="actingUserId"/> may approve the revision as it stands, else why not.</summary>
    public static string? WhyCannotApprove(RevisionState state, string authorId, RevisionChange change, Guid? basedOn, Guid? entryApproved, string actingUserId, int? approvedNumber)
    {
        if (state != RevisionState.Proposed)
        {
            return $"This proposal was already {Describe(state)}.";
        }

        if (authorId == actingUserId)
        {
            return "You wrote this proposal: another reviewer must approve it (four-eyes).";
        }

        return IsStale(change, basedOn, entryApproved)
            ? $"The entry changed since this was written — rebase: propose the change again on top of the current revision{(approvedNumber is { } n ? $" (revision {n})" : "")}."
            : null;
    }

    /// <summary>Written against an approved revision that is no longer the entry's current one.</summary>
    public static bool IsStale(RevisionChange change, Guid? basedOn, Guid? entryApproved) =>
        change == RevisionChange.Create ? entryApproved is not null : basedOn != entryApproved;

    private async Task<Result> DecideAsync(Guid revisionId, Decision decision, string? comment, string actingUserId, CancellationToken cancellationToken)
    {
        var text = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (decision == Decision.Reject && text is null)
        {
            return Result.Fail("Say why you reject it: the author reads the comment.");
        }

        if (text is { Length: > KnowledgeBaseRules.CommentMaxLength })
        {
            return Result.Fail($"Keep the comment to {KnowledgeBaseRules.CommentMaxLength:N0} characters or fewer.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await KnowledgeBaseRules.IsReviewerAsync(db, actingUserId, cancellationToken))
        {
            return Result.Fail("Only reviewers, leads and admins can decide on proposals.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var revision = await db.EntryRevisions.AsNoTracking().Include(r => r.Sources).FirstOrDefaultAsync(r => r.Id == revisionId, cancellationToken);
        if (revision is null)
        {
            return Result.Fail("That proposal no longer exists.");
        }

        var entry = await db.KnowledgeEntries.AsNoTracking().FirstAsync(e => e.Id == revision.EntryId, cancellationToken);
        var kb = await db.KnowledgeBases.AsNoTracking().FirstAsync(k => k.Id == revision.KnowledgeBaseId, cancellationToken);
        if (revision.State != RevisionState.Proposed)
        {
            return Result.Fail($"This proposal was already {Describe(revision.State)}.");
        }

        switch (decision)
        {
            case Decision.Approve:
                var approvedNumber = entry.ApprovedRevisionId is { } current
                    ? await db.EntryRevisions.Where(r => r.Id == current).Select(r => (int?)r.Number).FirstOrDefaultAsync(cancellationToken)
                    : null;
                if (WhyCannotApprove(revision.State, revision.AuthorId, revision.Change, revision.BasedOnRevisionId, entry.ApprovedRevisionId, actingUserId, approvedNumber) is { } refused)
                {
                    return Result.Fail(refused);
                }

                if (kb.ArchivedAt is not null)
                {
                    return Result.Fail($"“{kb.Name}” is archived: nothing in it can be approved.");
                }

                break;
            case Decision.Reject when revision.AuthorId == actingUserId:
                return Result.Fail("You wrote this proposal: withdraw it instead of rejecting it.");
            case Decision.Withdraw when revision.AuthorId != actingUserId:
                return Result.Fail("Only the author can withdraw a proposal; reject it with a comment instead.");
        }

        var now = time.GetUtcNow();
        var state = decision switch
        {
            Decision.Approve => RevisionState.Approved,
            Decision.Reject => RevisionState.Rejected,
            _ => RevisionState.Withdrawn,
        };

        // Conditional writes: only a revision still Proposed changes, and an approval moves the entry only from the
        // revision it was written on. Whoever commits second matches no row and is told, on both providers.
        var reviewer = decision == Decision.Withdraw ? null : actingUserId;
        var decided = await db.EntryRevisions
            .Where(r => r.Id == revisionId && r.State == RevisionState.Proposed)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.State, state)
                .SetProperty(r => r.ReviewerId, reviewer)
                .SetProperty(r => r.ReviewedAt, now)
                .SetProperty(r => r.ReviewComment, text), cancellationToken);
        if (decided == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return Result.Fail("Someone decided on this proposal a moment ago. Reload to see what they did.");
        }

        if (decision == Decision.Approve)
        {
            var expected = entry.ApprovedRevisionId;
            var moved = await db.KnowledgeEntries
                .Where(e => e.Id == entry.Id && e.ApprovedRevisionId == expected)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.ApprovedRevisionId, revision.Id)
                    .SetProperty(e => e.Title, revision.Title)
                    .SetProperty(e => e.IsRetired, revision.Change == RevisionChange.Retire)
                    .SetProperty(e => e.UpdatedAt, now), cancellationToken);
            if (moved == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return Result.Fail("The entry changed since this was written — rebase: another proposal on it was approved a moment ago.");
            }
        }

        var action = decision switch
        {
            Decision.Approve => KnowledgeBaseRules.RevisionApproved,
            Decision.Reject => KnowledgeBaseRules.RevisionRejected,
            _ => KnowledgeBaseRules.RevisionWithdrawn,
        };
        var entries = new List<AuditEntry>
        {
            new(action, KnowledgeBaseRules.RevisionEntity, KnowledgeBaseRules.Id(revision.Id), kb.ApplicationId,
                new { state = nameof(RevisionState.Proposed) },
                new { state = state.ToString(), knowledgeBase = kb.Key, entryId = entry.Id, number = revision.Number, title = revision.Title },
                text),
        };

        var caseIds = revision.Sources.Select(s => s.CaseId).Distinct().ToList();
        var changedCases = new List<long>();
        if (caseIds.Count > 0)
        {
            var cases = await db.Cases.Where(c => caseIds.Contains(c.Id)).ToListAsync(cancellationToken);
            // Cases that still have another open proposal keep CorrectionProposed when this one ends without approval.
            var stillProposed = decision == Decision.Approve
                ? []
                : (await (from source in db.RevisionSources
                          join other in db.EntryRevisions on source.RevisionId equals other.Id
                          where caseIds.Contains(source.CaseId) && other.Id != revision.Id && other.State == RevisionState.Proposed
                          select source.CaseId).Distinct().ToListAsync(cancellationToken)).ToHashSet();
            foreach (var kase in cases)
            {
                CaseStatus? to = decision == Decision.Approve
                    ? kase.Status is CaseStatus.CorrectionProposed or CaseStatus.Labeled ? CaseStatus.Approved : null
                    : kase.Status == CaseStatus.CorrectionProposed && !stillProposed.Contains(kase.Id) ? CaseStatus.Labeled : null;
                if (to is not { } target)
                {
                    continue;
                }

                entries.Add(new AuditEntry(CaseActions.StatusChanged, CaseActions.EntityType, CaseActions.EntityId(kase.Id), kase.ApplicationId,
                    new { status = kase.Status.ToString() }, new { status = target.ToString() },
                    $"Revision {revision.Number} of “{revision.Title}” was {Describe(state)}."));
                kase.Status = target;
                kase.ResolvedAt = null;
                kase.Version = Guid.NewGuid();
                kase.UpdatedAt = now;
                kase.UpdatedById = actingUserId;
                changedCases.Add(kase.Id);
            }
        }

        await audit.RecordManyAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken), entries, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            await transaction.RollbackAsync(cancellationToken);
            return Result.Fail("One of the source cases changed at the same moment. Nothing was written; try again.");
        }

        if (changedCases.Count > 0)
        {
            feed.Publish(new CaseChange(changedCases, "status", actingUserId));
        }

        return Result.Ok();
    }

    private static string Describe(RevisionState state) => state switch
    {
        RevisionState.Approved => "approved",
        RevisionState.Rejected => "rejected",
        RevisionState.Withdrawn => "withdrawn",
        _ => "proposed",
    };
}
