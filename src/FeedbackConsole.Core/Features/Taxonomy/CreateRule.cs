using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Taxonomy;

/// <summary>
/// An admin adds a signal→mode rule. Enrichment loads the rules at the start of every pass, so the rule applies to
/// signals enriched from the next pass on (cases enriched before are not recomputed until they get a new signal).
/// </summary>
public sealed class CreateRule(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit)
{
    public async Task<Result<int>> HandleAsync(int modeId, RuleDraft draft, string actingUserId, CancellationToken cancellationToken = default)
    {
        var (rule, invalid) = draft.Validate();
        if (rule is null)
        {
            return Result<int>.Fail(invalid!);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var mode = await db.FailureModes.FirstOrDefaultAsync(m => m.Id == modeId, cancellationToken);
        if (mode is null)
        {
            return Result<int>.Fail("That mode no longer exists. Reload the page.");
        }

        if (mode.RetiredAt is not null)
        {
            return Result<int>.Fail($"“{mode.Name}” is retired, so its rules never run. Restore it first.");
        }

        rule.FailureModeId = modeId;
        db.FailureModeRules.Add(rule);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry("rule.created", FailureModeInput.RuleEntityType, rule.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                After: RuleAudit.Fields(rule, mode.Key)), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<int>.Ok(rule.Id);
    }
}
