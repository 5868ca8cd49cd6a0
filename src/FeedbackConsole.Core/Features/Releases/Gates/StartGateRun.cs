using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases.Gates;

/// <summary>
/// A Lead starts the gate of a candidate: a <see cref="GateRun"/> row in state Running, against the release that is Live
/// now (an empty baseline for a first release), queued for the background <see cref="GateRunWorker"/>.
/// </summary>
public sealed class StartGateRun(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, GateRunInbox queue, TimeProvider time)
{
    public async Task<Result<Guid>> HandleAsync(Guid releaseId, string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await ReleaseRules.IsLeadAsync(db, actingUserId, cancellationToken))
        {
            return Result<Guid>.Fail(ReleaseRules.LeadsOnly);
        }

        var release = await db.Releases.FirstOrDefaultAsync(r => r.Id == releaseId, cancellationToken);
        if (release is null)
        {
            return Result<Guid>.Fail("That release no longer exists.");
        }

        var kb = await db.KnowledgeBases.AsNoTracking().FirstAsync(k => k.Id == release.KnowledgeBaseId, cancellationToken);
        if (release.State is not (ReleaseState.Candidate or ReleaseState.Gated))
        {
            return Result<Guid>.Fail($"The gate runs on candidates; release {release.Number} is {release.State}.");
        }

        if (release.BaseReleaseId != kb.LiveReleaseId)
        {
            return Result<Guid>.Fail($"Release {release.Number} was built against an earlier Live release: build a new candidate and gate that one.");
        }

        if (await db.GateRuns.AnyAsync(g => g.ReleaseId == release.Id && g.State == GateRunState.Running, cancellationToken))
        {
            return Result<Guid>.Fail($"A gate run of release {release.Number} is already in progress.");
        }

        var cases = await db.EvalCases.CountAsync(c => c.KnowledgeBaseId == kb.Id && c.ArchivedAt == null, cancellationToken);
        var now = time.GetUtcNow();
        var run = new GateRun
        {
            Id = Guid.NewGuid(),
            ReleaseId = release.Id,
            KnowledgeBaseId = kb.Id,
            BaselineReleaseId = kb.LiveReleaseId,
            State = GateRunState.Running,
            TotalCases = cases,
            K = kb.GateK,
            StartedById = actingUserId,
            StartedAt = now,
        };
        db.GateRuns.Add(run);
        release.LatestGateRunId = run.Id;
        release.Version = Guid.NewGuid();
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            ReleaseTransitions.Entry(ReleaseActions.GateStarted, release, kb.ApplicationId, null, new { gateRun = run.Id, evalCases = cases, k = run.K }),
            cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result<Guid>.Fail("The release changed at the same moment. Reload and try again.");
        }

        queue.Enqueue(run.Id);
        return Result<Guid>.Ok(run.Id);
    }
}
