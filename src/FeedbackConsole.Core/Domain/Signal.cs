namespace FeedbackConsole.Core.Domain;

/// <summary>One piece of feedback on an interaction (API.md, "Signal"). Text is stored already redacted.</summary>
public class Signal
{
    public long Id { get; set; }

    public Guid ApplicationId { get; set; }

    /// <summary>The client's event id: the idempotency key, unique per application.</summary>
    public string ExternalId { get; set; } = "";

    /// <summary>The application's interaction id as sent; the interaction may arrive later.</summary>
    public string InteractionExternalId { get; set; } = "";

    /// <summary>Set once the interaction is known (at ingest, or when it arrives after the signal).</summary>
    public long? InteractionId { get; set; }

    public string? EndUserId { get; set; }

    /// <summary>
    /// True when the signal names an end user its interaction does not: the interaction is not stored yet, or it
    /// belongs to another end user or to none. The end user's page finds these signals by an index of their own and
    /// all others through the end user's interactions, so that the many signals whose end user is their
    /// interaction's cost no per-user index entry (random keys made that index the dearest part of an insert).
    /// </summary>
    public bool EndUserUnmatched { get; set; }

    public SignalKind Kind { get; set; }

    /// <summary>thumb: true for up, false for down.</summary>
    public bool? ThumbUp { get; set; }

    /// <summary>rating: 1..5.</summary>
    public int? Rating { get; set; }

    /// <summary>dwell: milliseconds.</summary>
    public int? DwellMilliseconds { get; set; }

    /// <summary>rating: accuracy, tone, relevance, helpfulness or an application-defined name.</summary>
    public string? Dimension { get; set; }

    public FlagCategory? Flag { get; set; }

    /// <summary>comment, correction (the edited answer), reformulation (the new query), rejection reason.</summary>
    public string? Text { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public string? Metadata { get; set; }

    public string ContentHash { get; set; } = "";

    public int RedactionCount { get; set; }

    /// <summary>Made by enrichment from other signals (e.g. "regenerated 3 times"), not sent by the client.</summary>
    public bool IsDerived { get; set; }

    /// <summary>Set when the enrichment pipeline has processed this signal.</summary>
    public DateTimeOffset? EnrichedAt { get; set; }
}

/// <summary>The kinds of the contract, in its order; stored by name.</summary>
public enum SignalKind
{
    Thumb,
    Rating,
    Flag,
    Comment,
    Correction,
    Rejection,
    Reformulation,
    Copy,
    Dwell,
    Regenerate,
    Abandon,
}

public enum FlagCategory
{
    Safety,
    Compliance,
}
