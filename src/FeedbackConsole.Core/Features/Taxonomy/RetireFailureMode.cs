using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Taxonomy;

/// <summary>
/// An admin retires a mode, and with it its modes below: enrichment stops suggesting them from its next pass,
/// and labeling stops offering them. Cases keep the labels they have; nothing is deleted.
/// </summary>
public sealed class RetireFailureMode(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, TimeProvider time)
{
    public async Task<Result<int>> HandleAsync(int modeId, string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var modes = await db.FailureModes.ToListAsync(cancellationToken);
        var mode = modes.FirstOrDefault(m => m.Id == modeId);
        if (mode is null)
        {
            return Result<int>.Fail("That mode no longer exists. Reload the page.");
        }

        if (mode.RetiredAt is not null)
        {
            return Result<int>.Ok(0);
        }

        var children = modes.ToLookup(m => m.ParentId);
        var retiring = new List<FailureMode>();
        void Collect(FailureMode m)
        {
            if (m.RetiredAt is null)
            {
                retiring.Add(m);
            }

            foreach (var child in children[m.Id])
            {
                Collect(child);
            }
        }

        Collect(mode);
        var now = time.GetUtcNow();
        foreach (var m in retiring)
        {
            m.RetiredAt = now;
        }

        var actor = await AuditActor.OfUserAsync(db, actingUserId, cancellationToken);
        await audit.RecordManyAsync(db, actor, retiring.Select(m => new AuditEntry("failure_mode.retired", FailureModeInput.EntityType, m.Key,
            Before: new { retired = false }, After: new { retired = true },
            Reason: m == mode ? null : $"Retired with its parent “{mode.Key}”.")).ToList(), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<int>.Ok(retiring.Count);
    }
}
