using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Taxonomy;

/// <summary>
/// An admin moves a mode (with its children) under another parent, or to the top level. Never under itself or one
/// of its own descendants. The key stays as it is (see <see cref="RenameFailureMode"/>).
/// </summary>
public sealed class MoveFailureMode(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit)
{
    public async Task<Result> HandleAsync(int modeId, int? newParentId, string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var modes = await db.FailureModes.ToListAsync(cancellationToken);
        var byId = modes.ToDictionary(m => m.Id);
        if (!byId.TryGetValue(modeId, out var mode))
        {
            return Result.Fail("That mode no longer exists. Reload the page.");
        }

        if (mode.ParentId == newParentId)
        {
            return Result.Ok();
        }

        string? newParentKey = null;
        if (newParentId is { } parentId)
        {
            if (!byId.TryGetValue(parentId, out var parent))
            {
                return Result.Fail("The new parent no longer exists. Reload the page.");
            }

            for (var ancestor = parent; ancestor is not null; ancestor = ancestor.ParentId is { } up ? byId.GetValueOrDefault(up) : null)
            {
                if (ancestor.Id == modeId)
                {
                    return Result.Fail($"“{mode.Name}” cannot move under itself or one of its own children.");
                }
            }

            if (parent.RetiredAt is not null)
            {
                return Result.Fail($"“{parent.Name}” is retired. Restore it before moving modes under it.");
            }

            newParentKey = parent.Key;
        }

        var oldParentKey = mode.ParentId is { } oldId ? byId.GetValueOrDefault(oldId)?.Key : null;
        mode.ParentId = newParentId;
        mode.SortOrder = (modes.Where(m => m.ParentId == newParentId && m.Id != modeId).Max(m => (int?)m.SortOrder) ?? modes.Max(m => m.SortOrder)) + 1;
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry("failure_mode.moved", FailureModeInput.EntityType, mode.Key,
                Before: new { parent = oldParentKey }, After: new { parent = newParentKey }), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result.Ok();
    }
}
