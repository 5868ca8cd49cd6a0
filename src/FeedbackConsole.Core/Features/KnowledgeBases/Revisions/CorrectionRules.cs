using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage.Cases;

namespace FeedbackConsole.Core.Features.KnowledgeBases.Revisions;

/// <summary>Which cases may lead to a revision ("Propose correction"), and why not.</summary>
public static class CorrectionRules
{
    public static bool CanPropose(CaseStatus status) => status is CaseStatus.Labeled or CaseStatus.CorrectionProposed;

    /// <summary>Null when a correction may be proposed from a case in this status, else why not.</summary>
    public static string? WhyNot(CaseStatus status) => status switch
    {
        CaseStatus.Labeled or CaseStatus.CorrectionProposed => null,
        CaseStatus.New or CaseStatus.InReview => "Confirm at least one failure mode first: a correction is proposed from a labeled case.",
        CaseStatus.Approved => "This case's correction is already approved; change the entry from its knowledge base.",
        CaseStatus.Released => "This case's correction is already live; change the entry from its knowledge base.",
        _ => $"A {CaseWorkflow.Describe(status)} case takes no correction: reopen it first.",
    };
}
