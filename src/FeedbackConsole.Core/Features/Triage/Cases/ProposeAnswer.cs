using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Cases;

/// <summary>
/// A reviewer writes the corrected answer the model should have given (the knowledge-base editor builds on it
/// later). A labeled case moves to CorrectionProposed; an empty answer withdraws it and the case is Labeled again,
/// unless a knowledge-base revision proposed from the case is still open.
/// </summary>
public sealed class ProposeAnswer(CaseEditor editor)
{
    public const int MaxLength = 32_000;

    public Task<CaseCommandResult> HandleAsync(
        long caseId, CaseStamp loaded, string? answer, string actingUserId, CancellationToken cancellationToken = default)
    {
        var text = string.IsNullOrWhiteSpace(answer) ? null : answer.Trim();
        if (text is { Length: > MaxLength })
        {
            return Task.FromResult(CaseCommandResult.Refused($"A proposed answer holds at most {MaxLength:N0} characters; this one has {text.Length:N0}."));
        }

        return editor.RunAsync(caseId, loaded, actingUserId, "answer", async edit =>
        {
            // A knowledge-base revision proposed from this case keeps it "correction proposed" even without the answer.
            var openRevision = text is null && await edit.Db.RevisionSources
                .Where(s => s.CaseId == caseId)
                .Join(edit.Db.EntryRevisions, s => s.RevisionId, r => r.Id, (s, r) => r.State)
                .AnyAsync(state => state == RevisionState.Proposed, cancellationToken);
            return Apply(edit, text, openRevision);
        }, cancellationToken);
    }

    internal static string? Apply(CaseEdit edit, string? answer, bool hasOpenRevision = false)
    {
        var kase = edit.Case;
        if (kase.ProposedAnswer == answer)
        {
            return null;
        }

        var (to, refused) = CaseWorkflow.OnProposeAnswer(kase.Status, kase.FailureModes.Any(m => m.Confirmed), withdraw: answer is null);
        if (refused is not null)
        {
            return refused;
        }

        // The answer first, then the move it causes: the history then reads "proposed an answer and changed the status …".
        edit.Record(CaseActions.AnswerProposed, new { proposedAnswer = kase.ProposedAnswer }, new { proposedAnswer = answer });
        kase.ProposedAnswer = answer;
        if (answer is null && hasOpenRevision)
        {
            return null;
        }

        if (to == CaseStatus.CorrectionProposed && kase.Status is CaseStatus.New or CaseStatus.InReview)
        {
            // Confirmed modes on a case not yet Labeled (written before this workflow): it passes through Labeled.
            edit.MoveTo(CaseStatus.Labeled);
        }

        return edit.MoveTo(to!.Value);
    }
}
