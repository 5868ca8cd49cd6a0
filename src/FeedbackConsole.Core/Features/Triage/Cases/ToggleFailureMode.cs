using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Cases;

/// <summary>
/// A reviewer confirms a failure mode on a case (a suggested one, or any mode of the taxonomy) or removes a
/// confirmation. Confirming moves a New or InReview case to Labeled; removing the last confirmed mode of a
/// Labeled case moves it back to InReview. The request states the wanted end (confirmed or not), not a flip, so
/// re-applying it after a conflict does what the reviewer meant.
/// </summary>
public sealed class ToggleFailureMode(CaseEditor editor)
{
    public Task<CaseCommandResult> HandleAsync(
        long caseId, CaseStamp loaded, int failureModeId, bool confirmed, string actingUserId, CancellationToken cancellationToken = default) =>
        editor.RunAsync(caseId, loaded, actingUserId, "labeled", edit => ApplyAsync(edit, failureModeId, confirmed, cancellationToken), cancellationToken);

    /// <summary>The operation itself, shared with <see cref="BulkLabel"/>: null when applied (or nothing to do), else why not.</summary>
    internal static async Task<string?> ApplyAsync(CaseEdit edit, int failureModeId, bool confirmed, CancellationToken cancellationToken)
    {
        var kase = edit.Case;
        var mode = await edit.Db.FailureModes.FindAsync([failureModeId], cancellationToken);
        if (mode is null)
        {
            return "That failure mode no longer exists; reload the page to see the current taxonomy.";
        }

        var existing = kase.FailureModes.FirstOrDefault(m => m.FailureModeId == failureModeId);
        var confirmedCount = kase.FailureModes.Count(m => m.Confirmed);
        if (confirmed)
        {
            if (existing is { Confirmed: true })
            {
                return null;
            }

            if (mode.RetiredAt is not null)
            {
                return $"“{mode.Name}” is retired; choose a current failure mode.";
            }

            if (await edit.Db.FailureModes.AnyAsync(m => m.ParentId == mode.Id, cancellationToken))
            {
                return $"“{mode.Name}” is a family; choose one of the failure modes under it.";
            }

            var (to, refused) = CaseWorkflow.OnConfirmMode(kase.Status);
            if (refused is not null || edit.MoveTo(to!.Value) is not null)
            {
                return refused ?? "That move is not allowed.";
            }

            if (existing is null)
            {
                kase.FailureModes.Add(new CaseFailureMode { CaseId = kase.Id, FailureModeId = mode.Id, FailureMode = mode, Confirmed = true, Reason = "" });
            }
            else
            {
                existing.Confirmed = true;
            }

            edit.Record(CaseActions.Labeled, new { mode = mode.Key, confirmed = false }, new { mode = mode.Key, confirmed = true });
            return null;
        }

        if (existing is not { Confirmed: true })
        {
            return null;
        }

        var (target, refusal) = CaseWorkflow.OnUnconfirmMode(kase.Status, confirmedCount - 1);
        if (refusal is not null || edit.MoveTo(target!.Value) is not null)
        {
            return refusal ?? "That move is not allowed.";
        }

        if (existing.RuleId is null)
        {
            // Added by a reviewer, not suggested by a rule: nothing is left to show once unconfirmed.
            kase.FailureModes.Remove(existing);
            edit.Db.CaseFailureModes.Remove(existing);
        }
        else
        {
            existing.Confirmed = false;
        }

        edit.Record(CaseActions.Labeled, new { mode = mode.Key, confirmed = true }, new { mode = mode.Key, confirmed = false });
        return null;
    }
}
