namespace FeedbackConsole.Core.Features.Triage.Cases;

/// <summary>
/// Dismisses many cases at once with one reason for their end users, by the same rules as one case: cases
/// that cannot be dismissed (approved, released, already dismissed …) are skipped and reported.
/// </summary>
public sealed class BulkDismiss(CaseEditor editor, Notifications.NotificationOutbox outbox)
{
    public async Task<BulkCaseResult> HandleAsync(
        IReadOnlyCollection<long> caseIds, string? reason, string actingUserId, CancellationToken cancellationToken = default)
    {
        var (text, invalid) = DismissCase.NormalizeReason(reason);
        if (invalid is not null)
        {
            return BulkCaseResult.Fail(invalid);
        }

        var result = await editor.RunBulkAsync(
            caseIds, actingUserId, "dismissed", text!,
            edit => DismissCase.ApplyAndNotifyAsync(edit, text!, outbox, cancellationToken), cancellationToken);
        outbox.Wake();
        return result;
    }
}
