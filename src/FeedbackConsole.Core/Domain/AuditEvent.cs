namespace FeedbackConsole.Core.Domain;

/// <summary>
/// An append-only record of one decision: who, what, when, before → after. Each event's <see cref="Hash"/>
/// covers its content and the previous event's hash, so editing or deleting a stored row breaks the chain
/// (DESIGN.md, "Audit event").
/// </summary>
public class AuditEvent
{
    /// <summary>Position in the chain, 1, 2, 3 … with no gaps.</summary>
    public long Id { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>The person who decided; null for the system (enrichment, bootstrap, expiry of a claim).</summary>
    public string? ActorId { get; set; }

    /// <summary>The actor's e-mail or "system" at the time, kept so the trail stays readable after a user is renamed.</summary>
    public string ActorName { get; set; } = "";

    /// <summary>What happened, dotted: <c>case.labeled</c>, <c>case.status_changed</c>, <c>apikey.revoked</c> ….</summary>
    public string Action { get; set; } = "";

    /// <summary>The kind of thing acted on: <c>case</c>, <c>failure_mode</c>, <c>rule</c>, <c>user</c>, <c>api_key</c>, <c>application</c> ….</summary>
    public string EntityType { get; set; } = "";

    public string EntityId { get; set; } = "";

    public Guid? ApplicationId { get; set; }

    /// <summary>The changed fields before the decision, as a JSON object (null when something was created).</summary>
    public string? Before { get; set; }

    /// <summary>The changed fields after the decision, as a JSON object (null when something was removed).</summary>
    public string? After { get; set; }

    /// <summary>A reason the actor gave (dismissal, override, bulk action …).</summary>
    public string? Reason { get; set; }

    /// <summary>Hex SHA-256 of the previous event (64 zeros for the first).</summary>
    public string PreviousHash { get; set; } = "";

    /// <summary>Hex SHA-256 over this event's canonical content and <see cref="PreviousHash"/>.</summary>
    public string Hash { get; set; } = "";
}
