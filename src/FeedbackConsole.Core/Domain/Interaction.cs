namespace FeedbackConsole.Core.Domain;

/// <summary>One model turn as the application saw it (API.md, "Interaction"). Text is stored already redacted.</summary>
public class Interaction
{
    public long Id { get; set; }

    public Guid ApplicationId { get; set; }

    /// <summary>The application's own id for the turn, unique per application.</summary>
    public string ExternalId { get; set; } = "";

    public string? ConversationId { get; set; }

    public string? EndUserId { get; set; }

    /// <summary>Only when the end user agreed to be contacted; used for notifications, never redacted away.</summary>
    public string? EndUserEmail { get; set; }

    public string? UserRole { get; set; }

    public string? TaskType { get; set; }

    public string? Channel { get; set; }

    public string? Locale { get; set; }

    public string? AppVersion { get; set; }

    public string Input { get; set; } = "";

    public string Output { get; set; } = "";

    public string? ModelVersion { get; set; }

    public string? PromptVersion { get; set; }

    public string? KnowledgeBase { get; set; }

    public int? KnowledgeBaseVersion { get; set; }

    public List<string> UsedEntryIds { get; set; } = [];

    public DateTimeOffset OccurredAt { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The application's free metadata as compact JSON text.</summary>
    public string? Metadata { get; set; }

    /// <summary>Hash of the content as received, to tell a retry (same content) from a conflicting re-use of the id.</summary>
    public string ContentHash { get; set; } = "";

    /// <summary>How many pieces of personal data were redacted from the stored text.</summary>
    public int RedactionCount { get; set; }

    /// <summary>Set when the enrichment pipeline has looked at this turn (conversation linking).</summary>
    public DateTimeOffset? EnrichedAt { get; set; }
}
