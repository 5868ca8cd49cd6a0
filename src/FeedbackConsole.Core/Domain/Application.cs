namespace FeedbackConsole.Core.Domain;

/// <summary>One LLM app that sends feedback: the unit of isolation for data and keys.</summary>
public class Application
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Archived applications keep their data but accept no new feedback.</summary>
    public DateTimeOffset? ArchivedAt { get; set; }

    /// <summary>Redact emails, phone numbers, card numbers, IBANs and IP addresses from text before it is stored.</summary>
    public bool RedactPii { get; set; } = true;

    public List<ApiKey> Keys { get; set; } = [];
}
