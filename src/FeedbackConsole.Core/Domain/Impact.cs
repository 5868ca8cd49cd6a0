namespace FeedbackConsole.Core.Domain;

// Daily rollups for the impact dashboard (DESIGN.md, "Impact"), kept by Features/Impact/ImpactRollup so that the
// dashboard never reads raw signals. A day is a UTC day of the signal's OccurredAt (when the end user gave the
// feedback), so a signal that arrives late corrects the day it belongs to. Each rollup holds the same sums at several
// grains (ImpactGrain): summary rows (the segment columns UserRole, TaskType, Channel and Locale empty) for unfiltered
// views, one slice per segment dimension (only that column set) for views filtered by one segment, and detailed rows
// with every segment column for views filtered by several. Unknown segment values are "".

/// <summary>Which segment columns a rollup row is broken down by; the dashboard reads the smallest grain its filter needs.</summary>
public enum ImpactGrain
{
    /// <summary>No segment column: all interactions of the day (per model and prompt version).</summary>
    Summary = 0,

    /// <summary>Every segment column: role × task type × channel × locale.</summary>
    Detailed = 1,

    /// <summary>Only <c>UserRole</c> set.</summary>
    Role = 2,

    /// <summary>Only <c>TaskType</c> set.</summary>
    TaskType = 3,

    /// <summary>Only <c>Channel</c> set.</summary>
    Channel = 4,

    /// <summary>Only <c>Locale</c> set.</summary>
    Locale = 5,
}

/// <summary>A row of one application's UTC day.</summary>
public interface IImpactDay
{
    Guid ApplicationId { get; set; }

    DateOnly Day { get; set; }
}

/// <summary>The segment columns every rollup row carries (empty when its grain does not break down by them).</summary>
public interface IImpactSegmented
{
    ImpactGrain Grain { get; set; }

    string UserRole { get; set; }

    string TaskType { get; set; }

    string Channel { get; set; }

    string Locale { get; set; }

    string ModelVersion { get; set; }

    string PromptVersion { get; set; }
}

/// <summary>Signals of one UTC day by kind and segment: how many, and how many said good or bad.</summary>
public class ImpactSignalDay : IImpactSegmented, IImpactDay
{
    public long Id { get; set; }

    public Guid ApplicationId { get; set; }

    public DateOnly Day { get; set; }

    public ImpactGrain Grain { get; set; }

    public SignalKind Kind { get; set; }

    public string UserRole { get; set; } = "";

    public string TaskType { get; set; } = "";

    public string Channel { get; set; } = "";

    public string Locale { get; set; } = "";

    public string ModelVersion { get; set; } = "";

    public string PromptVersion { get; set; } = "";

    public int Signals { get; set; }

    public int Positive { get; set; }

    public int Negative { get; set; }
}

/// <summary>Signals of one UTC day on interactions whose case carries a failure mode (suggested or confirmed).</summary>
public class ImpactFailureModeDay : IImpactSegmented, IImpactDay
{
    public long Id { get; set; }

    public Guid ApplicationId { get; set; }

    public DateOnly Day { get; set; }

    public ImpactGrain Grain { get; set; }

    public int FailureModeId { get; set; }

    public string UserRole { get; set; } = "";

    public string TaskType { get; set; } = "";

    public string Channel { get; set; } = "";

    public string Locale { get; set; } = "";

    public string ModelVersion { get; set; } = "";

    public string PromptVersion { get; set; } = "";

    public int Signals { get; set; }

    public int Positive { get; set; }

    public int Negative { get; set; }
}

public enum CaseTimeMeasure
{
    /// <summary>Created → first labeled, dismissed or marked duplicate.</summary>
    Triage,

    /// <summary>Created → Released, Dismissed or Duplicate.</summary>
    Resolve,
}

/// <summary>
/// Cases created on one UTC day, by how long they took to triage or to resolve (a duration bucket; −1: not yet).
/// Keyed by the day a case was created, which never changes, so a case triaged or reopened later corrects that day.
/// </summary>
public class ImpactCaseDay : IImpactSegmented, IImpactDay
{
    public long Id { get; set; }

    public Guid ApplicationId { get; set; }

    public DateOnly Day { get; set; }

    public ImpactGrain Grain { get; set; }

    public CaseTimeMeasure Measure { get; set; }

    /// <summary>Index into <see cref="Features.Impact.DurationBuckets.UpperEdges"/>, or −1 while not triaged/resolved.</summary>
    public int Bucket { get; set; }

    public string UserRole { get; set; } = "";

    public string TaskType { get; set; } = "";

    public string Channel { get; set; } = "";

    public string Locale { get; set; } = "";

    public string ModelVersion { get; set; } = "";

    public string PromptVersion { get; set; } = "";

    public int Cases { get; set; }
}

/// <summary>Signals of one UTC day on interactions that retrieved a knowledge entry (its id in <c>usedEntryIds</c>).</summary>
public class ImpactEntryDay
{
    public long Id { get; set; }

    public Guid ApplicationId { get; set; }

    public DateOnly Day { get; set; }

    /// <summary>The entry id as the application sent it back.</summary>
    public string EntryId { get; set; } = "";

    public int Signals { get; set; }

    public int Positive { get; set; }

    public int Negative { get; set; }
}

/// <summary>A segment value seen in an application's rollups, for the dashboard's filter choices.</summary>
public class ImpactSegmentValue
{
    public Guid ApplicationId { get; set; }

    /// <summary><c>role</c>, <c>task</c>, <c>channel</c>, <c>locale</c>, <c>model</c> or <c>prompt</c>.</summary>
    public string Dimension { get; set; } = "";

    public string Value { get; set; } = "";
}

/// <summary>How far the rollup job has read a stream of changes (signals by EnrichedAt, cases by UpdatedAt).</summary>
public class ImpactWatermark
{
    public string Stream { get; set; } = "";

    public DateTimeOffset At { get; set; }

    /// <summary>Tie-breaker among rows with the same time: the last id read at <see cref="At"/>.</summary>
    public long LastId { get; set; }
}
