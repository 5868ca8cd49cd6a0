using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Cases;

/// <summary>
/// Confirms one failure mode on many cases at once (selected queue rows or a whole cluster), by the same rules
/// as one case: cases the workflow refuses (dismissed, released …) are skipped and reported; the rest change
/// together in one transaction, one audit event per case.
/// </summary>
public sealed class BulkLabel(CaseEditor editor, IDbContextFactory<Data.FeedbackDbContext> contexts)
{
    public async Task<BulkCaseResult> HandleAsync(
        IReadOnlyCollection<long> caseIds, string modeKey, string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var mode = await db.FailureModes.AsNoTracking().Where(m => m.Key == modeKey).Select(m => new { m.Id, m.Name }).FirstOrDefaultAsync(cancellationToken);
        if (mode is null)
        {
            return BulkCaseResult.Fail($"There is no failure mode “{modeKey}”.");
        }

        var count = caseIds.Distinct().Count();
        return await editor.RunBulkAsync(
            caseIds, actingUserId, "labeled", $"Bulk label of {count} {(count == 1 ? "case" : "cases")} as {modeKey}",
            edit => ToggleFailureMode.ApplyAsync(edit, mode.Id, confirmed: true, cancellationToken), cancellationToken);
    }
}
