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

    /// <summary>The person who last changed the case (for "who changed what" on a stale save); null for enrichment.</summary>
    public string? UpdatedById { get; set; }

    public List<CaseFailureMode> FailureModes { get; set; } = [];

    // ---- Segment and signal summary, copied from the interaction and its signals by enrichment so that the
    // queue filters and sorts on the case row alone (250k cases, < 50 ms).

    public string? UserRole { get; set; }

    public string? TaskType { get; set; }

    public string? ModelVersion { get; set; }

    public int ThumbsUp { get; set; }

    public int ThumbsDown { get; set; }

    /// <summary>The lowest rating on any dimension, when the case has ratings.</summary>
    public int? LowestRating { get; set; }

    /// <summary>Bit <c>1 &lt;&lt; (int)kind</c> set for every <see cref="SignalKind"/> among the case's signals.</summary>
    public int SignalKinds { get; set; }

    /// <summary>Distinct end users who sent a signal on the case.</summary>
    public int Reach { get; set; }

    // ---- Triage.

    /// <summary>The reviewer who holds the case (claimed or assigned).</summary>
    public string? AssigneeId { get; set; }

    public DateTimeOffset? ClaimedAt { get; set; }

    /// <summary>A claim lapses after this moment without activity; assignments by a lead have no lease (null).</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public CaseSeverity? Severity { get; set; }

    /// <summary>The reviewer's internal note.</summary>
    public string? ReviewerNote { get; set; }

    /// <summary>The reviewer's proposed corrected answer (the knowledge-base editor builds on it).</summary>
    public string? ProposedAnswer { get; set; }

    /// <summary>Why the case was dismissed, written for the end user to read.</summary>
    public string? DismissReason { get; set; }

    public long? DuplicateOfCaseId { get; set; }

    public long? ClusterId { get; set; }

    public CaseCluster? Cluster { get; set; }

    /// <summary>First time a reviewer labeled, dismissed or marked the case duplicate (time to triage).</summary>
    public DateTimeOffset? TriagedAt { get; set; }

    /// <summary>When the case reached Released, Dismissed or Duplicate (time to resolve).</summary>
    public DateTimeOffset? ResolvedAt { get; set; }
}

public enum CaseSeverity
{
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>
/// Near-duplicate cases of one application, grouped by the similarity of their input and feedback text
/// (MinHash signatures with locality-sensitive banding; see the README). Size and reach surface the biggest problems.
/// </summary>
public class CaseCluster
{
    public long Id { get; set; }

    public Guid ApplicationId { get; set; }

    /// <summary>A readable label: the text of the case that founded the cluster, shortened.</summary>
    public string Title { get; set; } = "";

    public int CaseCount { get; set; }

    /// <summary>Distinct end users across the cluster's cases.</summary>
    public int Reach { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset LastCaseAt { get; set; }

    /// <summary>
    /// Set when a case joined, left or changed inside the cluster and its figures (<see cref="CaseCount"/>,
    /// <see cref="Reach"/>, <see cref="LastCaseAt"/>) are not recounted yet; cleared by the recount. Enrichment
    /// recounts once per pass rather than once per case, and this survives a crash in between.
    /// </summary>
    public bool RecountNeeded { get; set; }

    /// <summary>
    /// Raised by every mark (<see cref="RecountNeeded"/>). A recount counts without holding the database's writer,
    /// then clears the mark only if this is still what it was when the count began: a case that joined meanwhile
    /// leaves the cluster marked for the next pass.
    /// </summary>
    public long RecountGeneration { get; set; }
}

/// <summary>One locality-sensitive band of a clustered case's MinHash signature: cases sharing a band are candidates.</summary>
public class CaseClusterBand
{
    public Guid ApplicationId { get; set; }

    /// <summary>Hash of (band number, the band's minimum hashes).</summary>
    public long BandHash { get; set; }

    public long CaseId { get; set; }

    public long ClusterId { get; set; }
}

/// <summary>A reviewer's saved queue filter, by name.</summary>
public class SavedView
{
    public Guid Id { get; set; }

    public string UserId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>The queue's filter and sort as a URL query string (what the address bar holds).</summary>
    public string Query { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
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

    /// <summary>
    /// A copy of the case's status, kept by database triggers (never written by the app), so the queue counts a
    /// failure mode's cases per status from one index.
    /// </summary>
    public CaseStatus CaseStatus { get; set; }
}

/// <summary>
/// +1 / −1 for an application's cases in a status, appended by database triggers whenever a case is created,
/// changes status or is deleted; <see cref="Features.Triage.Queue.CaseStatusCounts"/> folds them now and then. The
/// queue's counts per status are their sum: a few hundred rows instead of a count over every case.
/// </summary>
public class CaseStatusDelta
{
    public long Id { get; set; }

    public Guid ApplicationId { get; set; }

    public CaseStatus Status { get; set; }

    public int Delta { get; set; }
}
