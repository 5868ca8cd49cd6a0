using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Taxonomy;

/// <summary>
/// An admin deletes a mode nobody used: no case carries it (suggested or confirmed), it has no rule and no
/// child. A mode in use is never deleted — retire it instead.
/// </summary>
public sealed class DeleteFailureMode(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit)
{
    public async Task<Result> HandleAsync(int modeId, string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var mode = await db.FailureModes.FirstOrDefaultAsync(m => m.Id == modeId, cancellationToken);
        if (mode is null)
        {
            return Result.Fail("That mode no longer exists. Reload the page.");
        }

        var cases = await db.CaseFailureModes.CountAsync(m => m.FailureModeId == modeId, cancellationToken);
        if (cases > 0)
        {
            return Result.Fail($"“{mode.Name}” is on {Plural(cases, "case")}, so it stays for their history. Retire it instead.");
        }

        var rules = await db.FailureModeRules.CountAsync(r => r.FailureModeId == modeId, cancellationToken);
        if (rules > 0)
        {
            return Result.Fail($"“{mode.Name}” has {Plural(rules, "rule")}. Delete them first, or retire the mode instead.");
        }

        if (await db.FailureModes.AnyAsync(m => m.ParentId == modeId, cancellationToken))
        {
            return Result.Fail($"“{mode.Name}” has modes under it. Move or delete them first, or retire it instead.");
        }

        db.FailureModes.Remove(mode);
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry("failure_mode.deleted", FailureModeInput.EntityType, mode.Key, Before: new { mode.Key, mode.Name, mode.Description }),
            cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A case was labeled with it a moment ago (the foreign key refuses the delete).
            return Result.Fail($"“{mode.Name}” was just put to use. Retire it instead.");
        }

        await transaction.CommitAsync(cancellationToken);
        return Result.Ok();
    }

    private static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
