namespace FeedbackConsole.Core.Features.Triage.Cases;

/// <summary>A reviewer writes, edits or clears the case's internal note (never shown to end users). A New case is then in review.</summary>
public sealed class SetNote(CaseEditor editor)
{
    public const int MaxLength = 4000;

    public Task<CaseCommandResult> HandleAsync(
        long caseId, CaseStamp loaded, string? note, string actingUserId, CancellationToken cancellationToken = default)
    {
        var text = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (text is { Length: > MaxLength })
        {
            return Task.FromResult(CaseCommandResult.Refused($"A note holds at most {MaxLength:N0} characters; this one has {text.Length:N0}."));
        }

        return editor.RunAsync(caseId, loaded, actingUserId, "note", edit => Task.FromResult(Apply(edit, text)), cancellationToken);
    }

    internal static string? Apply(CaseEdit edit, string? note)
    {
        var kase = edit.Case;
        if (kase.ReviewerNote == note)
        {
            return null;
        }

        var (to, refused) = CaseWorkflow.OnEdit(kase.Status, "note");
        if (refused is not null || edit.MoveTo(to!.Value) is not null)
        {
            return refused ?? "That move is not allowed.";
        }

        edit.Record(CaseActions.NoteSet, new { note = kase.ReviewerNote }, new { note });
        kase.ReviewerNote = note;
        return null;
    }
}
