using FeedbackConsole.Core.Domain;

namespace FeedbackConsole.Core.Features.Triage.Cases;

/// <summary>
/// A reviewer dismisses an open case with a reason written for the end user, who may read it in their
/// notification ("Thanks — this answer was correct for your plan").
/// </summary>
public sealed class DismissCase(CaseEditor editor, Notifications.NotificationOutbox outbox)
{
    public const int MinReasonLength = 10;
    public const int MaxReasonLength = 1000;

    public async Task<CaseCommandResult> HandleAsync(
        long caseId, CaseStamp loaded, string? reason, string actingUserId, CancellationToken cancellationToken = default)
    {
        var (text, invalid) = NormalizeReason(reason);
        if (invalid is not null)
        {
            return CaseCommandResult.Refused(invalid);
        }

        var result = await editor.RunAsync(caseId, loaded, actingUserId, "dismissed", edit => ApplyAndNotifyAsync(edit, text!, outbox, cancellationToken), cancellationToken);
        outbox.Wake();
        return result;
    }

    /// <summary><see cref="Apply"/>, then the end users' notifications in the same transaction.</summary>
    internal static async Task<string?> ApplyAndNotifyAsync(CaseEdit edit, string reason, Notifications.NotificationOutbox outbox, CancellationToken cancellationToken)
    {
        if (Apply(edit, reason) is { } refused)
        {
            return refused;
        }

        await outbox.OnDismissedAsync(edit.Db, edit.Case, reason, edit.Now, cancellationToken);
        return null;
    }

    /// <summary>The trimmed reason, or why it cannot be used.</summary>
    public static (string? Reason, string? Error) NormalizeReason(string? reason)
    {
        var text = reason?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return (null, "Write a reason the end user can read: why this feedback leads to no change.");
        }

        if (text.Length < MinReasonLength)
        {
            return (null, $"Write a reason the end user will understand (at least {MinReasonLength} characters).");
        }

        return text.Length > MaxReasonLength
            ? (null, $"A reason holds at most {MaxReasonLength:N0} characters; this one has {text.Length:N0}.")
            : (text, null);
    }

    internal static string? Apply(CaseEdit edit, string reason)
    {
        var kase = edit.Case;
        var from = kase.Status;
        if (CaseWorkflow.CheckMove(from, CaseStatus.Dismissed) is { } refused)
        {
            return refused;
        }

        edit.MoveTo(CaseStatus.Dismissed, recordStatusChange: false);
        kase.DismissReason = reason;
        edit.Record(
            CaseActions.Dismissed,
            new { status = from.ToString() },
            new { status = nameof(CaseStatus.Dismissed), dismissReason = reason },
            reason);
        return null;
    }
}
