using System.ComponentModel.DataAnnotations;

namespace FeedbackConsole.Core.Options;

/// <summary>How reviewers hold cases while they work on them. Section <c>Triage</c>.</summary>
public sealed class TriageOptions
{
    public const string Section = "Triage";

    /// <summary>A claim lapses after this long without activity on the case; a lapsed claim counts as unassigned.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "08:00:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(15);
}
