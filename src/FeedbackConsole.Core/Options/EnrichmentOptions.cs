using System.ComponentModel.DataAnnotations;

namespace FeedbackConsole.Core.Options;

/// <summary>The enrichment pipeline that turns stored signals into cases. Section <c>Enrichment</c>.</summary>
public sealed class EnrichmentOptions
{
    public const string Section = "Enrichment";

    /// <summary>How often the worker looks for new signals when nothing woke it (other instances' ingests).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// While ingestion is saturated (many signal requests queue for one commit), enrichment pauses this long before
    /// each interaction: during a burst the API accepts more and cases appear a little later, and enrichment still
    /// advances. Zero: enrich at full speed whatever the load.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan SaturatedPause { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Signals taken per pass.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>Regenerations of one answer from which a derived "regenerated N times" signal is made.</summary>
    [Range(2, 100)]
    public int RegenerateThreshold { get; set; } = 3;

    /// <summary>A dwell shorter than this followed by abandon counts as a negative implicit signal.</summary>
    [Range(0, 600_000)]
    public int ShortDwellMilliseconds { get; set; } = 5000;

    /// <summary>A next question in the same conversation within this time that repeats the last one is a reformulation.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReformulationWindow { get; set; } = TimeSpan.FromMinutes(3);
}
