using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Taxonomy;

/// <summary>
/// An admin restores a retired mode: it is suggested and offered for labeling again. Only this mode: its
/// children, retired with it, are restored one by one, and its parent must be active first.
/// </summary>
public sealed class RestoreFailureMode(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit)
{
    public async Task<Result> HandleAsync(int modeId, string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var mode = await db.FailureModes.Include(m => m.Parent).FirstOrDefaultAsync(m => m.Id == modeId, cancellationToken);
        if (mode is null)
        {
            return Result.Fail("That mode no longer exists. Reload the page.");
        }

        if (mode.RetiredAt is null)
        {
            return Result.Ok();
        }

        if (mode.Parent is { RetiredAt: not null } parent)
        {
            return Result.Fail($"Its parent “{parent.Name}” is retired. Restore the parent first.");
        }

        mode.RetiredAt = null;
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry("failure_mode.restored", FailureModeInput.EntityType, mode.Key, Before: new { retired = true }, After: new { retired = false }),
            cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result.Ok();
    }
}
