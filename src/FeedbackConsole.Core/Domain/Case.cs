namespace FeedbackConsole.Core.Domain;

/// <summary>
/// The unit reviewers triage: one per interaction that drew negative feedback, a correction or a flag,
/// holding all its signals (DESIGN.md, "Case").
/// </summary>
public class Case
{
    public long Id { get; set; }

    public Guid ApplicationId { get; set; }

    public long InteractionId { get; set; }

    public Interaction? Interaction { get; set; }

    public CaseStatus Status { get; set; } = CaseStatus.New;

    /// <summary>Higher first: safety and compliance flags, then severity × reach × recency.</summary>
    public double Priority { get; set; }

    public int SignalCount { get; set; }

    public int NegativeCount { get; set; }

    public bool HasCorrection { get; set; }

    public FlagCategory? HighestFlag { get; set; }

    public DateTimeOffset FirstSignalAt { get; set; }

    public DateTimeOffset LastSignalAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency token, renewed on every save.</summary>
    public Guid Version { get; set; }

    public List<CaseFailureMode> FailureModes { get; set; } = [];
}

public enum CaseStatus
{
    New,
    InReview,
    Labeled,
    CorrectionProposed,
    Approved,
    Released,
    Dismissed,
    Duplicate,
}

/// <summary>A failure mode on a case: suggested by a rule (with why), or confirmed by a reviewer.</summary>
public class CaseFailureMode
{
    public long CaseId { get; set; }

    public int FailureModeId { get; set; }

    public FailureMode? FailureMode { get; set; }

    public bool Confirmed { get; set; }

    /// <summary>The rule that suggested it, when it was suggested.</summary>
    public int? RuleId { get; set; }

    /// <summary>Readable reason: which rule matched which signal.</summary>
    public string Reason { get; set; } = "";

    /// <summary>Best rule weight seen for this mode on this case.</summary>
    public double Score { get; set; }
}
