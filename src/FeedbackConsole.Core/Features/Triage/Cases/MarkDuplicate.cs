using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Cases;

/// <summary>
/// A reviewer marks an open case as a duplicate of another case of the same application. The other case must
/// exist, must not be this one, and must not lead back to this one through its own duplicate links.
/// </summary>
public sealed class MarkDuplicate(CaseEditor editor)
{
    /// <summary>Longest chain of duplicate links followed when looking for a loop.</summary>
    private const int MaxChain = 100;

    public Task<CaseCommandResult> HandleAsync(
        long caseId, CaseStamp loaded, long duplicateOfCaseId, string actingUserId, CancellationToken cancellationToken = default) =>
        editor.RunAsync(caseId, loaded, actingUserId, "duplicate", edit => ApplyAsync(edit, duplicateOfCaseId, cancellationToken), cancellationToken);

    internal static async Task<string?> ApplyAsync(CaseEdit edit, long duplicateOfCaseId, CancellationToken cancellationToken)
    {
        var kase = edit.Case;
        var from = kase.Status;
        if (CaseWorkflow.CheckMove(from, CaseStatus.Duplicate) is { } refused)
        {
            return refused;
        }

        if (duplicateOfCaseId == kase.Id)
        {
            return "A case cannot be a duplicate of itself.";
        }

        var target = await edit.Db.Cases.AsNoTracking()
            .Where(c => c.Id == duplicateOfCaseId)
            .Select(c => new { c.Id, c.ApplicationId, c.DuplicateOfCaseId })
            .FirstOrDefaultAsync(cancellationToken);
        if (target is null)
        {
            return $"There is no case #{duplicateOfCaseId}.";
        }

        if (target.ApplicationId != kase.ApplicationId)
        {
            return $"Case #{duplicateOfCaseId} belongs to another application; a duplicate must be of a case of the same application.";
        }

        var next = target.DuplicateOfCaseId;
        for (var hops = 0; next is not null && hops < MaxChain; hops++)
        {
            if (next == kase.Id)
            {
                return $"Case #{duplicateOfCaseId} is itself marked as a duplicate of this case (directly or through others); that would make a loop.";
            }

            var current = next.Value;
            next = await edit.Db.Cases.AsNoTracking().Where(c => c.Id == current).Select(c => c.DuplicateOfCaseId).FirstOrDefaultAsync(cancellationToken);
        }

        edit.MoveTo(CaseStatus.Duplicate, recordStatusChange: false);
        kase.DuplicateOfCaseId = duplicateOfCaseId;
        edit.Record(
            CaseActions.MarkedDuplicate,
            new { status = from.ToString() },
            new { status = nameof(CaseStatus.Duplicate), duplicateOfCaseId });
        return null;
    }
}
