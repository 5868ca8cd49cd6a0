using FeedbackConsole.Core.Domain;

namespace FeedbackConsole.Core.Features.Triage.Cases;

/// <summary>A reviewer reopens a dismissed or duplicate case: it is in review again, its dismissal reason or duplicate link gone (kept in the history).</summary>
public sealed class ReopenCase(CaseEditor editor)
{
    public Task<CaseCommandResult> HandleAsync(long caseId, CaseStamp loaded, string actingUserId, CancellationToken cancellationToken = default) =>
        editor.RunAsync(caseId, loaded, actingUserId, "reopened", edit => Task.FromResult(Apply(edit)), cancellationToken);

    internal static string? Apply(CaseEdit edit)
    {
        var kase = edit.Case;
        var from = kase.Status;
        if (from is not (CaseStatus.Dismissed or CaseStatus.Duplicate))
        {
            return $"Only a dismissed or duplicate case can be reopened; this one is {CaseWorkflow.Describe(from)}.";
        }

        edit.Record(
            CaseActions.Reopened,
            new { status = from.ToString(), dismissReason = kase.DismissReason, duplicateOfCaseId = kase.DuplicateOfCaseId },
            new { status = nameof(CaseStatus.InReview) });
        kase.DismissReason = null;
        kase.DuplicateOfCaseId = null;
        return edit.MoveTo(CaseStatus.InReview, recordStatusChange: false);
    }
}
