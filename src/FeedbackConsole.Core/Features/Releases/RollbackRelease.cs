using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases.Runtime;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases;

/// <summary>
/// A Lead rolls back the Live release: the release it superseded is Live again and this one is RolledBack, with a
/// written reason, audited and raised as <c>release.rolled_back</c> in the same transaction. Cases already Released
/// stay Released (their correction was live); the first release of a knowledge base has nothing to go back to.
/// </summary>
public sealed class RollbackRelease(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, ReleaseIndexCache indexes, TimeProvider time)
{
    public const int MinReasonLength = 10;
    public const int MaxReasonLength = 4000;

    public async Task<Result> HandleAsync(Guid releaseId, string? reason, string actingUserId, CancellationToken cancellationToken = default)
    {
        var why = reason?.Trim() ?? "";
        if (why.Length < MinReasonLength)
        {
            return Result.Fail($"Say why you roll back, in at least {MinReasonLength} characters: the reason is kept in the audit trail.");
        }

        if (why.Length > MaxReasonLength)
        {
            return Result.Fail($"A reason holds at most {MaxReasonLength:N0} characters.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await ReleaseRules.IsLeadAsync(db, actingUserId, cancellationToken))
        {
            return Result.Fail(ReleaseRules.LeadsOnly);
        }

        var release = await db.Releases.FirstOrDefaultAsync(r => r.Id == releaseId, cancellationToken);
        if (release is null)
        {
            return Result.Fail("That release no longer exists.");
        }

        var kb = await db.KnowledgeBases.FirstAsync(k => k.Id == release.KnowledgeBaseId, cancellationToken);
        if (release.State != ReleaseState.Live || kb.LiveReleaseId != release.Id)
        {
            return Result.Fail($"Only the Live release can be rolled back; release {release.Number} is {release.State}.");
        }

        // Promotion requires a release to be built against the Live one, so its base is exactly the release it superseded.
        var previous = release.BaseReleaseId is { } baseId ? await db.Releases.FirstOrDefaultAsync(r => r.Id == baseId, cancellationToken) : null;
        if (previous is null)
        {
            return Result.Fail($"Release {release.Number} is the first release of {kb.Name}: there is no earlier release to go back to.");
        }

        if (previous.State != ReleaseState.Superseded)
        {
            return Result.Fail($"Release {previous.Number}, which release {release.Number} superseded, is {previous.State} and cannot be Live again.");
        }

        var now = time.GetUtcNow();
        var entries = new List<AuditEntry>
        {
            ReleaseTransitions.Entry(ReleaseActions.RolledBack, release, kb.ApplicationId,
                new { state = nameof(ReleaseState.Live) }, new { state = nameof(ReleaseState.RolledBack), liveAgain = previous.Number }, why),
            ReleaseTransitions.Entry(ReleaseActions.Reinstated, previous, kb.ApplicationId,
                new { state = nameof(ReleaseState.Superseded) }, new { state = nameof(ReleaseState.Live), rolledBack = release.Number }, why),
        };
        release.State = ReleaseState.RolledBack;
        release.EndedAt = now;
        release.Version = Guid.NewGuid();
        previous.State = ReleaseState.Live;
        previous.LiveAt = now;
        previous.EndedAt = null;
        previous.Version = Guid.NewGuid();
        kb.LiveReleaseId = previous.Id;
        kb.Version = Guid.NewGuid();
        kb.UpdatedAt = now;
        ReleaseRules.Raise(db, ReleaseActions.RolledBackEvent, kb.ApplicationId, new
        {
            applicationId = kb.ApplicationId,
            knowledgeBaseId = kb.Id,
            knowledgeBaseKey = kb.Key,
            releaseId = release.Id,
            releaseNumber = release.Number,
            previousReleaseId = previous.Id,
            previousReleaseNumber = previous.Number,
        }, now);
        await audit.RecordManyAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken), entries, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result.Fail(ReleaseTransitions.ConcurrentChange);
        }

        // The run-time API on this instance serves the reinstated release from the next request.
        indexes.Invalidate(kb.Id);
        return Result.Ok();
    }
}
