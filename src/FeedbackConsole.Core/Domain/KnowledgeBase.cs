namespace FeedbackConsole.Core.Domain;

/// <summary>The three learning layers an application reads at run time (DESIGN.md, "Knowledge base").</summary>
public enum KnowledgeBaseKind
{
    /// <summary>Entries retrieved as context.</summary>
    Facts,

    /// <summary>Few-shot examples: input → ideal output, tagged by task type and failure mode.</summary>
    Examples,

    /// <summary>Rules an output is checked against.</summary>
    Guards,
}

/// <summary>One learning layer of one application, published as numbered, immutable releases.</summary>
public class KnowledgeBase
{
    public Guid Id { get; set; }

    public Guid ApplicationId { get; set; }

    /// <summary>The slug apps use in the run-time API path (<c>/api/v1/knowledge-bases/{key}/search</c>), unique per application.</summary>
    public string Key { get; set; } = "";

    public string Name { get; set; } = "";

    public KnowledgeBaseKind Kind { get; set; }

    public string? Description { get; set; }

    /// <summary>How many results the gate looks at (recall@k).</summary>
    public int GateK { get; set; } = 5;

    /// <summary>Gate thresholds on the candidate; null means "not checked".</summary>
    public double? MinRecallAtK { get; set; }

    public double? MinMrr { get; set; }

    public double? MinPassRate { get; set; }

    /// <summary>Eval cases that may pass on live and fail on the candidate before the gate fails.</summary>
    public int MaxRegressions { get; set; }

    /// <summary>The one Live release, kept here so run-time lookups need one row (and one Live is enforced by construction).</summary>
    public Guid? LiveReleaseId { get; set; }

    public Guid? ShadowReleaseId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ArchivedAt { get; set; }

    /// <summary>Optimistic concurrency token: releases are numbered and promoted under it.</summary>
    public Guid Version { get; set; }
}

/// <summary>
/// A stable identity for one piece of knowledge (a fact, an example or a guard rule). Its content lives in
/// immutable <see cref="EntryRevision"/>s; this row only points at the latest approved one.
/// </summary>
public class KnowledgeEntry
{
    public Guid Id { get; set; }

    public Guid KnowledgeBaseId { get; set; }

    /// <summary>Title of the latest approved revision, or of the first proposal while none is approved (for lists).</summary>
    public string Title { get; set; } = "";

    /// <summary>What the next candidate release takes for this entry; null until a revision is approved.</summary>
    public Guid? ApprovedRevisionId { get; set; }

    /// <summary>The latest approved revision retires the entry: releases built from now on leave it out.</summary>
    public bool IsRetired { get; set; }

    /// <summary>Number of the newest revision (any state); the next proposal gets this + 1.</summary>
    public int LatestRevisionNumber { get; set; }

    public string CreatedById { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public enum RevisionState
{
    Proposed,
    Approved,
    Rejected,
    Withdrawn,
}

public enum RevisionChange
{
    Create,
    Update,
    Retire,
}

public enum GuardRuleType
{
    /// <summary>A regular expression the output must not match.</summary>
    ForbiddenPattern,

    /// <summary>A literal phrase the output must not contain (case-insensitive).</summary>
    ForbiddenPhrase,

    /// <summary>Text the output must contain (for the rule's task type, or always).</summary>
    RequiredDisclaimer,
}

/// <summary>
/// One immutable version of an entry, with its author, its approver (never the author) and the cases and
/// signals that caused it (DESIGN.md, "Entry revision").
/// </summary>
public class EntryRevision
{
    public Guid Id { get; set; }

    public Guid EntryId { get; set; }

    public Guid KnowledgeBaseId { get; set; }

    /// <summary>1, 2, 3 … per entry.</summary>
    public int Number { get; set; }

    public RevisionChange Change { get; set; }

    public RevisionState State { get; set; }

    /// <summary>Facts: the title; examples: a short label; guards: the rule's name.</summary>
    public string Title { get; set; } = "";

    /// <summary>Facts: the text retrieved; examples: the ideal output; guards: the pattern, phrase or disclaimer.</summary>
    public string Content { get; set; } = "";

    /// <summary>Examples: the input the ideal output answers.</summary>
    public string? Input { get; set; }

    /// <summary>Examples: the task type they teach; guards: the task type they apply to (null: all).</summary>
    public string? TaskType { get; set; }

    /// <summary>Examples: the failure mode they teach against.</summary>
    public string? FailureModeKey { get; set; }

    public GuardRuleType? GuardType { get; set; }

    /// <summary>Guards: the message a violation reports.</summary>
    public string? GuardMessage { get; set; }

    /// <summary>The author's reason for the change, shown to the approver.</summary>
    public string Summary { get; set; } = "";

    /// <summary>The approved revision this one was written against; approval of a stale proposal is refused.</summary>
    public Guid? BasedOnRevisionId { get; set; }

    public string AuthorId { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public string? ReviewerId { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }

    public string? ReviewComment { get; set; }

    public List<RevisionSource> Sources { get; set; } = [];
}

/// <summary>A case (and optionally one of its signals) that led to a revision.</summary>
public class RevisionSource
{
    public Guid RevisionId { get; set; }

    public long CaseId { get; set; }

    public long? SignalId { get; set; }
}

/// <summary>Candidate → Gated → Shadow → Live → Superseded, or RolledBack (DESIGN.md, "Release").</summary>
public enum ReleaseState
{
    Candidate,
    Gated,
    Shadow,
    Live,
    Superseded,
    RolledBack,
}

public enum GateOutcome
{
    Passed,
    Failed,

    /// <summary>Failed, then a Lead allowed promotion with a written reason.</summary>
    Overridden,
}

/// <summary>An immutable, numbered snapshot of a knowledge base's approved revisions.</summary>
public class Release
{
    public Guid Id { get; set; }

    public Guid KnowledgeBaseId { get; set; }

    /// <summary>1, 2, 3 … per knowledge base.</summary>
    public int Number { get; set; }

    public ReleaseState State { get; set; }

    /// <summary>Outcome of the latest completed gate run; null until one completes.</summary>
    public GateOutcome? Gate { get; set; }

    public Guid? LatestGateRunId { get; set; }

    /// <summary>The release that was Live when this one was built (what its diff is against).</summary>
    public Guid? BaseReleaseId { get; set; }

    public string? Notes { get; set; }

    public int EntryCount { get; set; }

    public int AddedCount { get; set; }

    public int ChangedCount { get; set; }

    public int RetiredCount { get; set; }

    public string CreatedById { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public string? OverrideReason { get; set; }

    public string? OverriddenById { get; set; }

    public DateTimeOffset? OverriddenAt { get; set; }

    public DateTimeOffset? ShadowAt { get; set; }

    public DateTimeOffset? LiveAt { get; set; }

    /// <summary>When it stopped being Live (superseded or rolled back).</summary>
    public DateTimeOffset? EndedAt { get; set; }

    public Guid Version { get; set; }
}

/// <summary>One entry of a release: which revision of it the release serves.</summary>
public class ReleaseEntry
{
    public Guid ReleaseId { get; set; }

    public Guid EntryId { get; set; }

    public Guid RevisionId { get; set; }
}

public enum EvalCaseKind
{
    /// <summary>A query that must retrieve the expected entries (or a hit containing the expected text) within k.</summary>
    Retrieval,

    /// <summary>An output the guards must catch, or must let pass.</summary>
    Guard,
}

/// <summary>A held-out case of a knowledge base's eval suite, run by the gate against candidate and live.</summary>
public class EvalCase
{
    public Guid Id { get; set; }

    public Guid KnowledgeBaseId { get; set; }

    public EvalCaseKind Kind { get; set; }

    public string Name { get; set; } = "";

    public string? Query { get; set; }

    public List<Guid> ExpectedEntryIds { get; set; } = [];

    public string? ExpectedText { get; set; }

    public string? TaskType { get; set; }

    /// <summary>Guard cases: the output checked.</summary>
    public string? Output { get; set; }

    /// <summary>Guard cases: true when the guards must catch the output, false when it must pass.</summary>
    public bool? ExpectViolation { get; set; }

    /// <summary>The case it was added from ("add to eval suite").</summary>
    public long? SourceCaseId { get; set; }

    public string CreatedById { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ArchivedAt { get; set; }
}

public enum GateRunState
{
    Running,
    Completed,

    /// <summary>The run itself broke (not the gate failing): see <see cref="GateRun.Error"/>.</summary>
    Errored,
}

/// <summary>One evaluation of a candidate release against the live one on the knowledge base's eval suite.</summary>
public class GateRun
{
    public Guid Id { get; set; }

    public Guid ReleaseId { get; set; }

    public Guid KnowledgeBaseId { get; set; }

    /// <summary>The Live release compared against; null for a first release (empty baseline).</summary>
    public Guid? BaselineReleaseId { get; set; }

    public GateRunState State { get; set; }

    public int TotalCases { get; set; }

    public int CompletedCases { get; set; }

    public int K { get; set; }

    public double? CandidateRecallAtK { get; set; }

    public double? CandidateMrr { get; set; }

    public double? CandidatePassRate { get; set; }

    public double? BaselineRecallAtK { get; set; }

    public double? BaselineMrr { get; set; }

    public double? BaselinePassRate { get; set; }

    public int RegressionCount { get; set; }

    public int FixCount { get; set; }

    /// <summary>New corrections in the candidate that do not yet fix the case they came from.</summary>
    public int UnfixedCorrectionCount { get; set; }

    public bool? Passed { get; set; }

    /// <summary>Readable reasons the gate failed, one per line.</summary>
    public string? FailureReasons { get; set; }

    public string? Error { get; set; }

    public string StartedById { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>One eval case's outcome in a gate run, on the baseline and on the candidate.</summary>
public class GateCaseResult
{
    public Guid GateRunId { get; set; }

    public Guid EvalCaseId { get; set; }

    public bool BaselinePassed { get; set; }

    public bool CandidatePassed { get; set; }

    public int? BaselineRank { get; set; }

    public int? CandidateRank { get; set; }

    /// <summary>Passes on live, fails on the candidate.</summary>
    public bool IsRegression { get; set; }

    public bool IsFix { get; set; }

    public string? Detail { get; set; }
}

/// <summary>Whether a correction new in the candidate fixes the case it came from.</summary>
public class GateCorrectionResult
{
    public Guid GateRunId { get; set; }

    public Guid RevisionId { get; set; }

    public long CaseId { get; set; }

    public bool Fixed { get; set; }

    public string Detail { get; set; } = "";
}

/// <summary>How often a release served an entry in one hour (recorded off the request path, for impact).</summary>
public class EntryServingTally
{
    public Guid ReleaseId { get; set; }

    public Guid EntryId { get; set; }

    public DateTimeOffset Hour { get; set; }

    public Guid RevisionId { get; set; }

    public Guid KnowledgeBaseId { get; set; }

    public Guid ApplicationId { get; set; }

    public long Count { get; set; }
}

/// <summary>
/// A domain event (<c>release.published</c>, <c>release.rolled_back</c>, …) written in the same transaction as the
/// decision that raised it, for the notifier to consume.
/// </summary>
public class DomainEvent
{
    public long Id { get; set; }

    public string Type { get; set; } = "";

    public Guid? ApplicationId { get; set; }

    /// <summary>JSON payload (ids and numbers; no end-user text).</summary>
    public string Payload { get; set; } = "{}";

    public DateTimeOffset OccurredAt { get; set; }

    public DateTimeOffset? ProcessedAt { get; set; }
}
