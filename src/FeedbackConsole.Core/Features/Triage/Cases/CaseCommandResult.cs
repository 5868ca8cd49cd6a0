using FeedbackConsole.Core.Domain;

namespace FeedbackConsole.Core.Features.Triage.Cases;

/// <summary>
/// What a reviewer loaded: the case's concurrency <see cref="Version"/> and the id of the last audit event on it
/// at that moment, so that a stale save can say exactly which decisions were made since.
/// </summary>
public readonly record struct CaseStamp(Guid Version, long LastEventId);

public enum CaseCommandOutcome
{
    /// <summary>The change was written, with its audit events.</summary>
    Saved,

    /// <summary>The case already was as asked (e.g. a mode confirmed twice); nothing was written.</summary>
    Unchanged,

    /// <summary>The workflow or the input refused the change; <see cref="CaseCommandResult.Error"/> says why.</summary>
    Refused,

    /// <summary>Someone changed the case since it was loaded; nothing was written.</summary>
    Conflict,

    NotFound,
}

/// <summary>The outcome of a command on one case.</summary>
public sealed record CaseCommandResult(CaseCommandOutcome Outcome, CaseStamp? Stamp = null, string? Error = null, CaseConflict? Conflict = null)
{
    public bool Succeeded => Outcome is CaseCommandOutcome.Saved or CaseCommandOutcome.Unchanged;

    public static CaseCommandResult NotFound() => new(CaseCommandOutcome.NotFound, Error: "This case no longer exists.");

    public static CaseCommandResult Refused(string error) => new(CaseCommandOutcome.Refused, Error: error);
}

/// <summary>
/// A stale save: who changed what since the reviewer loaded the case, and the case as it is now, so that the
/// reviewer can re-apply their change on the current version or discard it.
/// </summary>
public sealed record CaseConflict(IReadOnlyList<CaseChangeSummary> Changes, CaseSnapshot Current)
{
    /// <summary>"Dana changed the status New → Labeled and confirmed factual.error at 10:32" (times in UTC; the console shows local ones).</summary>
    public string Describe(Func<DateTimeOffset, string>? time = null) =>
        Changes.Count == 0
            ? "The case changed since you loaded it."
            : string.Join(" ", Changes.Select(c => c.Sentence(time) + "."));
}

/// <summary>Consecutive decisions of one person on a case, as readable phrases ("confirmed factual.error").</summary>
public sealed record CaseChangeSummary(string? ActorId, string ActorName, DateTimeOffset At, IReadOnlyList<string> What)
{
    /// <summary>"confirmed factual.error, set severity to High and changed the status New → Labeled".</summary>
    public string WhatText => What.Count switch
    {
        0 => "changed the case",
        1 => What[0],
        _ => string.Join(", ", What.Take(What.Count - 1)) + " and " + What[^1],
    };

    public string Sentence(Func<DateTimeOffset, string>? time = null) =>
        $"{ActorName} {WhatText} at {(time ?? (t => t.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)))(At)}";
}

/// <summary>The reviewer-editable state of a case, as it is now.</summary>
public sealed record CaseSnapshot(
    CaseStatus Status,
    CaseSeverity? Severity,
    IReadOnlyList<string> ConfirmedModes,
    string? ReviewerNote,
    string? ProposedAnswer,
    string? DismissReason,
    long? DuplicateOfCaseId,
    CaseStamp Stamp);

/// <summary>A bulk action's outcome: the cases changed, those already as asked, and those skipped with why.</summary>
public sealed record BulkCaseResult(IReadOnlyList<long> Changed, IReadOnlyList<long> Unchanged, IReadOnlyList<BulkCaseSkip> Skipped, string? Error = null)
{
    public bool Succeeded => Error is null;

    public static BulkCaseResult Fail(string error) => new([], [], [], error);
}

/// <summary>A case a bulk action left alone, and why ("A released case cannot be dismissed: its correction is live.").</summary>
public sealed record BulkCaseSkip(long CaseId, string Reason);
