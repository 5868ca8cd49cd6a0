namespace FeedbackConsole.Core.Domain;

/// <summary>A node of the failure taxonomy, e.g. <c>factual.error</c> under <c>factual</c>.</summary>
public class FailureMode
{
    public int Id { get; set; }

    /// <summary>Stable dotted key, unique: <c>factual.error</c>.</summary>
    public string Key { get; set; } = "";

    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public int? ParentId { get; set; }

    public FailureMode? Parent { get; set; }

    public int SortOrder { get; set; }

    /// <summary>Retired modes stay for history (a mode in use is never deleted) but are not suggested.</summary>
    public DateTimeOffset? RetiredAt { get; set; }

    public List<FailureModeRule> Rules { get; set; } = [];
}

/// <summary>
/// Maps raw signals to a suggested failure mode. Every condition that is set must hold; unset conditions
/// match anything. Example: kind = rating, dimension = accuracy, max rating = 2 → <c>factual.error</c>.
/// </summary>
public class FailureModeRule
{
    public int Id { get; set; }

    public int FailureModeId { get; set; }

    public FailureMode? FailureMode { get; set; }

    public string Name { get; set; } = "";

    public SignalKind? Kind { get; set; }

    public string? Dimension { get; set; }

    public FlagCategory? Flag { get; set; }

    /// <summary>Matches ratings at or below this value.</summary>
    public int? MaxRating { get; set; }

    /// <summary>Matches thumbs in this direction.</summary>
    public bool? ThumbUp { get; set; }

    /// <summary>A case-insensitive regular expression the signal's text must contain a match of.</summary>
    public string? TextPattern { get; set; }

    /// <summary>How strongly a match suggests the mode, 0..1; ranks suggestions.</summary>
    public double Weight { get; set; } = 0.5;

    public bool Enabled { get; set; } = true;
}
