using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Taxonomy;

/// <summary>
/// An admin changes a mode's name and description. The dotted key stays: it is written into every suggestion's
/// reason, the audit trail and the queue's saved filters, so a key that changed would break history. A new
/// meaning gets a new mode; the old one is retired.
/// </summary>
public sealed class RenameFailureMode(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit)
{
    public async Task<Result> HandleAsync(int modeId, string name, string description, string actingUserId, CancellationToken cancellationToken = default)
    {
        var (newName, newDescription, invalid) = FailureModeInput.NameAndDescription(name, description);
        if (invalid is not null)
        {
            return Result.Fail(invalid);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var mode = await db.FailureModes.FirstOrDefaultAsync(m => m.Id == modeId, cancellationToken);
        if (mode is null)
        {
            return Result.Fail("That mode no longer exists. Reload the page.");
        }

        var nameChanged = mode.Name != newName;
        var descriptionChanged = mode.Description != newDescription;
        if (!nameChanged && !descriptionChanged)
        {
            return Result.Ok();
        }

        var before = new Dictionary<string, string>(StringComparer.Ordinal);
        var after = new Dictionary<string, string>(StringComparer.Ordinal);
        if (nameChanged)
        {
            before["name"] = mode.Name;
            after["name"] = newName;
        }

        if (descriptionChanged)
        {
            before["description"] = mode.Description;
            after["description"] = newDescription;
        }

        mode.Name = newName;
        mode.Description = newDescription;
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry("failure_mode.renamed", FailureModeInput.EntityType, mode.Key, Before: before, After: after), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result.Ok();
    }
}
