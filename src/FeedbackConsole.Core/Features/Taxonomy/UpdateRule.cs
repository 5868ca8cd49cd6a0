using System.Globalization;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Taxonomy;

/// <summary>An admin edits a rule (conditions, weight, enabled). Applies to enrichment from its next pass.</summary>
public sealed class UpdateRule(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit)
{
    public async Task<Result> HandleAsync(int ruleId, RuleDraft draft, string actingUserId, CancellationToken cancellationToken = default)
    {
        var (edited, invalid) = draft.Validate();
        if (edited is null)
        {
            return Result.Fail(invalid!);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var rule = await db.FailureModeRules.Include(r => r.FailureMode).FirstOrDefaultAsync(r => r.Id == ruleId, cancellationToken);
        if (rule is null)
        {
            return Result.Fail("That rule no longer exists. Reload the page.");
        }

        var before = RuleAudit.Fields(rule, rule.FailureMode!.Key);
        rule.Name = edited.Name;
        rule.Kind = edited.Kind;
        rule.Dimension = edited.Dimension;
        rule.Flag = edited.Flag;
        rule.MaxRating = edited.MaxRating;
        rule.ThumbUp = edited.ThumbUp;
        rule.TextPattern = edited.TextPattern;
        rule.Weight = edited.Weight;
        rule.Enabled = edited.Enabled;
        var after = RuleAudit.Fields(rule, rule.FailureMode.Key);
        var changed = before.Keys.Where(k => !Equals(before[k], after[k])).ToList();
        if (changed.Count == 0)
        {
            return Result.Ok();
        }

        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry("rule.updated", FailureModeInput.RuleEntityType, rule.Id.ToString(CultureInfo.InvariantCulture),
                Before: changed.ToDictionary(k => k, k => before[k], StringComparer.Ordinal),
                After: changed.ToDictionary(k => k, k => after[k], StringComparer.Ordinal)), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result.Ok();
    }
}
