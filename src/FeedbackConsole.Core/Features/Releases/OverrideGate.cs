using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases;

/// <summary>A Lead allows a release whose gate failed to be promoted, with a written reason (audited as <c>release.gate_overridden</c>).</summary>
public sealed class OverrideGate(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, TimeProvider time)
{
    public const int MinReasonLength = 10;
    public const int MaxReasonLength = 4000;

    public async Task<Result> HandleAsync(Guid releaseId, string? reason, string actingUserId, CancellationToken cancellationToken = default)
    {
        var why = reason?.Trim() ?? "";
        if (why.Length < MinReasonLength)
        {
            return Result.Fail($"Write why the failed gate may be overridden, in at least {MinReasonLength} characters.");
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

        if (release.State != ReleaseState.Gated || release.Gate != GateOutcome.Failed)
        {
            return Result.Fail(release.Gate switch
            {
                GateOutcome.Overridden => $"The gate of release {release.Number} is already overridden.",
                GateOutcome.Passed => $"Release {release.Number} passed its gate: there is nothing to override.",
                _ when release.State == ReleaseState.Candidate => $"Run the gate on release {release.Number} first.",
                _ => $"Release {release.Number} is {release.State}: only a gated release whose gate failed can be overridden.",
            });
        }

        var applicationId = await db.KnowledgeBases.Where(k => k.Id == release.KnowledgeBaseId).Select(k => k.ApplicationId).FirstAsync(cancellationToken);
        var now = time.GetUtcNow();
        release.Gate = GateOutcome.Overridden;
        release.OverrideReason = why;
        release.OverriddenById = actingUserId;
        release.OverriddenAt = now;
        release.Version = Guid.NewGuid();
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            ReleaseTransitions.Entry(ReleaseActions.GateOverridden, release, applicationId,
                new { gate = nameof(GateOutcome.Failed) }, new { gate = nameof(GateOutcome.Overridden) }, why), cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result.Fail("The release changed at the same moment (a new gate run?). Reload and try again.");
        }

        return Result.Ok();
    }
}
