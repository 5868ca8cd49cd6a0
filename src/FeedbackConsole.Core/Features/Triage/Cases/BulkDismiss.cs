namespace FeedbackConsole.Core.Features.Triage.Cases;

/// <summary>
/// Dismisses many cases at once with one reason for their end users, by the same rules as one case: cases
/// that cannot be dismissed (approved, released, already dismissed …) are skipped and reported.
/// </summary>
public sealed class BulkDismiss(CaseEditor editor)
{
    public Task<BulkCaseResult> HandleAsync(
        IReadOnlyCollection<long> caseIds, string? reason, string actingUserId, CancellationToken cancellationToken = default)
    {
        var (text, invalid) = DismissCase.NormalizeReason(reason);
        if (invalid is not null)
        {
            return Task.FromResult(BulkCaseResult.Fail(invalid));
        }

        return editor.RunBulkAsync(
            caseIds, actingUserId, "dismissed", text!,
            edit => Task.FromResult(DismissCase.Apply(edit, text!)), cancellationToken);
    }
}
