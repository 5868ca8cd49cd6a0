using System.Globalization;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Taxonomy;

/// <summary>
/// An admin deletes a rule. Suggestions it made stay on their cases, with their reasons, until those cases are
/// enriched again.
/// </summary>
public sealed class DeleteRule(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit)
{
    public async Task<Result> HandleAsync(int ruleId, string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var rule = await db.FailureModeRules.Include(r => r.FailureMode).FirstOrDefaultAsync(r => r.Id == ruleId, cancellationToken);
        if (rule is null)
        {
            return Result.Ok(); // already gone
        }

        db.FailureModeRules.Remove(rule);
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry("rule.deleted", FailureModeInput.RuleEntityType, rule.Id.ToString(CultureInfo.InvariantCulture),
                Before: RuleAudit.Fields(rule, rule.FailureMode!.Key)), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result.Ok();
    }
}
