using FeedbackConsole.Core.Domain;

namespace FeedbackConsole.Core.Features.Triage.Cases;

/// <summary>A reviewer sets (or clears) how severe the failure is. A New case is then in review.</summary>
public sealed class SetSeverity(CaseEditor editor)
{
    public Task<CaseCommandResult> HandleAsync(
        long caseId, CaseStamp loaded, CaseSeverity? severity, string actingUserId, CancellationToken cancellationToken = default) =>
        editor.RunAsync(caseId, loaded, actingUserId, "severity", edit => Task.FromResult(Apply(edit, severity)), cancellationToken);

    internal static string? Apply(CaseEdit edit, CaseSeverity? severity)
    {
        var kase = edit.Case;
        if (kase.Severity == severity)
        {
            return null;
        }

        var (to, refused) = CaseWorkflow.OnEdit(kase.Status, "severity");
        if (refused is not null || edit.MoveTo(to!.Value) is not null)
        {
            return refused ?? "That move is not allowed.";
        }

        edit.Record(CaseActions.SeveritySet, new { severity = kase.Severity?.ToString() }, new { severity = severity?.ToString() });
        kase.Severity = severity;
        return null;
    }
}
