using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Core.Features.KnowledgeBases.Runtime;
using FeedbackConsole.Core.Features.Triage;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases;

/// <summary>
/// A Lead promotes a gated release to Shadow or to Live (Shadow is optional: Gated → Live is allowed). The gate must
/// have passed or been overridden, and the release must have been built against the release that is Live now. Going
/// Live supersedes the previous Live release, raises <c>release.published</c> and moves the source cases of the
/// revisions new in it to Released, all in one transaction under the knowledge base's concurrency token: two Leads
/// promoting at once cannot both win.
/// </summary>
public sealed class PromoteRelease(
    IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, CaseChangeFeed feed, ReleaseIndexCache indexes, TimeProvider time,
    Notifications.NotificationOutbox outbox)
{
    /// <summary>A test seam: runs inside the transaction just before saving, to stage a competing write.</summary>
    internal Func<FeedbackDbContext, Task>? BeforeSaveForTests { get; set; }

    public async Task<Result> HandleAsync(Guid releaseId, PromotionTarget target, string actingUserId, CancellationToken cancellationToken = default)
    {
        List<long> released;
        Guid knowledgeBaseId;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
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
            knowledgeBaseId = kb.Id;
            if ((ReleaseTransitions.CheckPromotable(release, target) ?? ReleaseTransitions.CheckGate(release)) is { } refused)
            {
                return Result.Fail(refused);
            }

            if (await db.GateRuns.AnyAsync(g => g.ReleaseId == release.Id && g.State == GateRunState.Running, cancellationToken))
            {
                return Result.Fail($"A gate run of release {release.Number} is in progress: wait for its verdict.");
            }

            var live = kb.LiveReleaseId is { } liveId ? await db.Releases.FirstAsync(r => r.Id == liveId, cancellationToken) : null;
            if (release.BaseReleaseId != kb.LiveReleaseId)
            {
                var builtAgainst = release.BaseReleaseId is null
                    ? "no Live release"
                    : $"release {await db.Releases.Where(r => r.Id == release.BaseReleaseId).Select(r => r.Number).FirstAsync(cancellationToken)}";
                return Result.Fail($"Release {release.Number} was built against {builtAgainst}, but {(live is null ? "no release" : $"release {live.Number}")} is Live now. " +
                                   "Build a new candidate, so that its diff and its gate compare against what is live.");
            }

            var now = time.GetUtcNow();
            var entries = new List<AuditEntry>();
            released = [];
            if (target == PromotionTarget.Shadow)
            {
                if (kb.ShadowReleaseId is { } shadowId && shadowId != release.Id)
                {
                    var shadow = await db.Releases.FirstAsync(r => r.Id == shadowId, cancellationToken);
                    shadow.State = ReleaseState.Gated;
                    shadow.Version = Guid.NewGuid();
                    entries.Add(ReleaseTransitions.Entry(ReleaseActions.ShadowReplaced, shadow, kb.ApplicationId,
                        new { state = nameof(ReleaseState.Shadow) }, new { state = nameof(ReleaseState.Gated), replacedBy = release.Number }));
                }

                entries.Add(ReleaseTransitions.Entry(ReleaseActions.PromotedShadow, release, kb.ApplicationId,
                    new { state = release.State.ToString() }, new { state = nameof(ReleaseState.Shadow) }));
                release.State = ReleaseState.Shadow;
                release.ShadowAt = now;
                kb.ShadowReleaseId = release.Id;
            }
            else
            {
                if (live is not null)
                {
                    live.State = ReleaseState.Superseded;
                    live.EndedAt = now;
                    live.Version = Guid.NewGuid();
                    entries.Add(ReleaseTransitions.Entry(ReleaseActions.Superseded, live, kb.ApplicationId,
                        new { state = nameof(ReleaseState.Live) }, new { state = nameof(ReleaseState.Superseded), supersededBy = release.Number }));
                }

                if (kb.ShadowReleaseId is { } shadowId && shadowId != release.Id)
                {
                    // A shadow built against the old Live cannot be promoted any more; it stops being served.
                    var shadow = await db.Releases.FirstAsync(r => r.Id == shadowId, cancellationToken);
                    shadow.State = ReleaseState.Gated;
                    shadow.Version = Guid.NewGuid();
                    entries.Add(ReleaseTransitions.Entry(ReleaseActions.ShadowReplaced, shadow, kb.ApplicationId,
                        new { state = nameof(ReleaseState.Shadow) }, new { state = nameof(ReleaseState.Gated), replacedBy = release.Number }));
                }

                entries.Add(ReleaseTransitions.Entry(ReleaseActions.PromotedLive, release, kb.ApplicationId,
                    new { state = release.State.ToString() }, new { state = nameof(ReleaseState.Live), previousRelease = live?.Number }));
                release.State = ReleaseState.Live;
                release.LiveAt = now;
                release.EndedAt = null;
                kb.LiveReleaseId = release.Id;
                kb.ShadowReleaseId = null;
                ReleaseRules.Raise(db, ReleaseActions.PublishedEvent, kb.ApplicationId, new
                {
                    applicationId = kb.ApplicationId,
                    knowledgeBaseId = kb.Id,
                    knowledgeBaseKey = kb.Key,
                    releaseId = release.Id,
                    releaseNumber = release.Number,
                    previousReleaseId = live?.Id,
                    previousReleaseNumber = live?.Number,
                }, now);
                released = await ReleaseTransitions.ReleaseCasesAsync(db, release, live?.Id, actingUserId, now, entries, cancellationToken);
                // Their end users hear of it: notifications and outbox rows commit with the release or not at all.
                await outbox.OnReleasedAsync(db, release, released, now, cancellationToken);
            }

            release.Version = Guid.NewGuid();
            kb.Version = Guid.NewGuid();
            kb.UpdatedAt = now;
            await audit.RecordManyAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken), entries, cancellationToken);
            try
            {
                if (BeforeSaveForTests is { } hook)
                {
                    await hook(db);
                }

                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                return Result.Fail(ReleaseTransitions.ConcurrentChange);
            }
        }

        // The run-time API on this instance serves the new release from the next request (others within its lookup lifetime).
        indexes.Invalidate(knowledgeBaseId);
        if (released.Count > 0)
        {
            feed.Publish(new CaseChange(released, "status", actingUserId));
        }

        outbox.Wake();

        return Result.Ok();
    }
}
