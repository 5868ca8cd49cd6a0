using System.ComponentModel.DataAnnotations;

namespace FeedbackConsole.Core.Options;

/// <summary>How the impact dashboard's daily rollups are kept. Section <c>Impact</c>.</summary>
public sealed class ImpactOptions
{
    public const string Section = "Impact";

    /// <summary>How often the rollup job looks for newly enriched signals and changed cases.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RollupInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Changes younger than this are left for the next pass: a transaction that stamped its rows a moment ago may not
    /// have committed yet (PostgreSQL with several writers), and reading past it would skip it for good.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromMinutes(1);
}
