using FeedbackConsole.Core.Domain;

namespace FeedbackConsole.Core.Features.Triage.Cases;

/// <summary>
/// The case status machine of DESIGN.md as reviewers drive it: New → InReview → Labeled → CorrectionProposed,
/// from any open status to Dismissed or Duplicate, and back from those two to InReview. Approved and Released
/// belong to the knowledge-base flow (approval and release of the correction), never to a reviewer here.
/// Every refusal is a sentence the reviewer can act on.
/// </summary>
public static class CaseWorkflow
{
    /// <summary>The statuses a reviewer still works on; Dismissed and Duplicate can be reached only from these.</summary>
    public static IReadOnlySet<CaseStatus> Open { get; } =
        new HashSet<CaseStatus> { CaseStatus.New, CaseStatus.InReview, CaseStatus.Labeled, CaseStatus.CorrectionProposed };

    /// <summary>Each reviewer move, from → allowed targets. Anything else is refused.</summary>
    private static readonly Dictionary<CaseStatus, CaseStatus[]> ReviewerMoves = new()
    {
        [CaseStatus.New] = [CaseStatus.InReview, CaseStatus.Labeled, CaseStatus.Dismissed, CaseStatus.Duplicate],
        [CaseStatus.InReview] = [CaseStatus.Labeled, CaseStatus.Dismissed, CaseStatus.Duplicate],
        // Back to InReview when the last confirmed failure mode is removed.
        [CaseStatus.Labeled] = [CaseStatus.InReview, CaseStatus.CorrectionProposed, CaseStatus.Dismissed, CaseStatus.Duplicate],
        // Back to Labeled when the proposed answer is withdrawn.
        [CaseStatus.CorrectionProposed] = [CaseStatus.Labeled, CaseStatus.Dismissed, CaseStatus.Duplicate],
        [CaseStatus.Approved] = [],
        [CaseStatus.Released] = [],
        [CaseStatus.Dismissed] = [CaseStatus.InReview],
        [CaseStatus.Duplicate] = [CaseStatus.InReview],
    };

    public static bool IsOpen(CaseStatus status) => Open.Contains(status);

    /// <summary>Whether a reviewer may move a case from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool CanMove(CaseStatus from, CaseStatus to) => ReviewerMoves[from].Contains(to);

    /// <summary>Null when the move is allowed, else why not, in words for the reviewer.</summary>
    public static string? CheckMove(CaseStatus from, CaseStatus to)
    {
        if (CanMove(from, to))
        {
            return null;
        }

        if (from == to)
        {
            return $"The case is already {Describe(to)}.";
        }

        if (to is CaseStatus.Approved or CaseStatus.Released)
        {
            return "Approved and Released are set by the knowledge-base flow when the correction is approved and released, not from triage.";
        }

        return (from, to) switch
        {
            (CaseStatus.Released, CaseStatus.Dismissed) => "A released case cannot be dismissed: its correction is live.",
            (CaseStatus.Approved, CaseStatus.Dismissed) => "An approved case cannot be dismissed: its correction is approved for release.",
            (CaseStatus.Released, CaseStatus.Duplicate) => "A released case cannot be marked as a duplicate: its correction is live.",
            (CaseStatus.Approved, CaseStatus.Duplicate) => "An approved case cannot be marked as a duplicate: its correction is approved for release.",
            (CaseStatus.Dismissed or CaseStatus.Duplicate, CaseStatus.Dismissed or CaseStatus.Duplicate) =>
                $"The case is already {Describe(from)}: reopen it first.",
            (CaseStatus.Dismissed or CaseStatus.Duplicate, _) => $"A {Describe(from)} case cannot be changed: reopen it first.",
            (CaseStatus.Approved, _) => "An approved case cannot be changed from triage: its correction is approved for release.",
            (CaseStatus.Released, _) => "A released case cannot be changed from triage: its correction is live.",
            (_, CaseStatus.InReview) => "Only a dismissed or duplicate case can be reopened.",
            (_, CaseStatus.CorrectionProposed) => "Confirm at least one failure mode before proposing a corrected answer.",
            (_, CaseStatus.Labeled) => "Only a case in review can be labeled.",
            _ => $"A case cannot move from {Describe(from)} to {Describe(to)}.",
        };
    }

    /// <summary>The status after a reviewer confirms a failure mode: New/InReview become Labeled, later statuses stay.</summary>
    public static (CaseStatus? To, string? Error) OnConfirmMode(CaseStatus from) => from switch
    {
        CaseStatus.New or CaseStatus.InReview => (CaseStatus.Labeled, null),
        CaseStatus.Labeled or CaseStatus.CorrectionProposed => (from, null),
        _ => (null, LabelingRefusal(from)),
    };

    /// <summary>The status after a reviewer removes a confirmed mode: a Labeled case with none left goes back to InReview.</summary>
    public static (CaseStatus? To, string? Error) OnUnconfirmMode(CaseStatus from, int confirmedLeft) => from switch
    {
        CaseStatus.Labeled when confirmedLeft == 0 => (CaseStatus.InReview, null),
        CaseStatus.CorrectionProposed when confirmedLeft == 0 =>
            (null, "A case with a proposed answer keeps at least one confirmed failure mode; withdraw the answer first."),
        CaseStatus.New or CaseStatus.InReview or CaseStatus.Labeled or CaseStatus.CorrectionProposed => (from, null),
        _ => (null, LabelingRefusal(from)),
    };

    /// <summary>The status after a reviewer writes (non-empty) or withdraws (empty) the proposed answer.</summary>
    public static (CaseStatus? To, string? Error) OnProposeAnswer(CaseStatus from, bool hasConfirmedMode, bool withdraw)
    {
        if (withdraw)
        {
            return from switch
            {
                CaseStatus.CorrectionProposed => (CaseStatus.Labeled, null),
                CaseStatus.New or CaseStatus.InReview or CaseStatus.Labeled => (from, null),
                _ => (null, AnswerRefusal(from)),
            };
        }

        return from switch
        {
            CaseStatus.Labeled or CaseStatus.CorrectionProposed => (CaseStatus.CorrectionProposed, null),
            CaseStatus.New or CaseStatus.InReview when !hasConfirmedMode =>
                (null, "Confirm at least one failure mode before proposing a corrected answer."),
            // A case with a confirmed mode is Labeled already; kept for data written before this workflow (it passes through Labeled).
            CaseStatus.New or CaseStatus.InReview => (CaseStatus.CorrectionProposed, null),
            _ => (null, AnswerRefusal(from)),
        };
    }

    /// <summary>The status after a reviewer sets severity or the note: a New case is now in review; nothing else moves.</summary>
    public static (CaseStatus? To, string? Error) OnEdit(CaseStatus from, string what) => from switch
    {
        CaseStatus.New => (CaseStatus.InReview, null),
        CaseStatus.Released when what == "severity" => (null, "A released case's severity cannot be changed: its correction is live."),
        _ => (from, null),
    };

    /// <summary>"in review", "correction proposed" …: a status as a sentence says it.</summary>
    public static string Describe(CaseStatus status) => status switch
    {
        CaseStatus.New => "new",
        CaseStatus.InReview => "in review",
        CaseStatus.Labeled => "labeled",
        CaseStatus.CorrectionProposed => "correction proposed",
        CaseStatus.Approved => "approved",
        CaseStatus.Released => "released",
        CaseStatus.Dismissed => "dismissed",
        CaseStatus.Duplicate => "duplicate",
        _ => status.ToString(),
    };

    /// <summary>"In review", "Correction proposed" …: a status as a chip shows it.</summary>
    public static string Title(CaseStatus status)
    {
        var text = Describe(status);
        return char.ToUpperInvariant(text[0]) + text[1..];
    }

    private static string LabelingRefusal(CaseStatus from) => from switch
    {
        CaseStatus.Dismissed or CaseStatus.Duplicate => $"A {Describe(from)} case cannot be labeled: reopen it first.",
        CaseStatus.Approved => "An approved case's failure modes are final: its correction is approved for release.",
        CaseStatus.Released => "A released case's failure modes are final: its correction is live.",
        _ => $"A {Describe(from)} case cannot be labeled.",
    };

    private static string AnswerRefusal(CaseStatus from) => from switch
    {
        CaseStatus.Dismissed or CaseStatus.Duplicate => $"A {Describe(from)} case takes no proposed answer: reopen it first.",
        CaseStatus.Approved => "An approved case's answer is changed in the knowledge base, not here.",
        CaseStatus.Released => "A released case's answer is changed in the knowledge base, not here.",
        _ => $"A {Describe(from)} case takes no proposed answer.",
    };
}
