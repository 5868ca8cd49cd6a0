using System.ComponentModel.DataAnnotations;

namespace FeedbackConsole.Core.Features.KnowledgeBases.Runtime;

/// <summary>How the run-time knowledge API holds releases and records what it served. Section <c>KnowledgeRuntime</c>.</summary>
public sealed class KnowledgeRuntimeOptions
{
    public const string Section = "KnowledgeRuntime";

    /// <summary>
    /// How long a knowledge base's Live and Shadow release ids are reused before they are read again. A promotion
    /// or rollback reaches the API within this time (plus the new release's index build, during which the previous
    /// release keeps answering).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ReleaseLookupLifetime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the served-entry counters are added to <c>EntryServingTallies</c>; a crash loses at most this much counting.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ServingFlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Build the Live release indexes of every knowledge base at start-up, so that the first request does not wait for one.</summary>
    public bool WarmOnStart { get; set; } = true;
}
