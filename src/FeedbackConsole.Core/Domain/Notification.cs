namespace FeedbackConsole.Core.Domain;

/// <summary>
/// A message to one end user about what came of their feedback (DESIGN.md, "Notification"): written in the same
/// transaction as the decision that caused it, once per end user per trigger. In-app it is this row; email and
/// webhook copies leave through <see cref="NotificationDelivery"/> rows (the outbox).
/// </summary>
public class Notification
{
    /// <summary>Ascending; the end-user API pages on it.</summary>
    public long Id { get; set; }

    /// <summary>The id receivers see (webhook payload, email Message-Id): the same on every attempt.</summary>
    public Guid PublicId { get; set; }

    public Guid ApplicationId { get; set; }

    public string EndUserId { get; set; } = "";

    public NotificationKind Kind { get; set; }

    /// <summary>What caused it (<c>released:{release}:{cluster or case}</c>, <c>dismissed:{case}:{n}</c>, <c>milestone:{n}:{entry}</c>); unique with the end user.</summary>
    public string TriggerKey { get; set; } = "";

    /// <summary>The case the end user's feedback is on (or its cluster's representative).</summary>
    public long? CaseId { get; set; }

    /// <summary>A short excerpt of what the end user reported (their own words, or the question they asked).</summary>
    public string Feedback { get; set; } = "";

    /// <summary>What came of it, in words for the end user (the dismissal reason, the correction now live …).</summary>
    public string Outcome { get; set; } = "";

    /// <summary>Milestones: how many times the fix has been served.</summary>
    public long? ServedCount { get; set; }

    /// <summary>Shown on the end-user page and by the API (false when the end user opted out of in-app notifications but still gets email).</summary>
    public bool InApp { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }
}

public enum NotificationKind
{
    Released,
    Dismissed,
    Milestone,
}

/// <summary>
/// One message waiting to leave the process (STYLE.md point 9): an email to an end user or a webhook to the
/// application. The dispatcher claims it with a lease, sends it with the same <see cref="Id"/> on every attempt, and
/// records the outcome; failures back off with jitter and end in <see cref="DeliveryStatus.DeadLettered"/>.
/// </summary>
public class NotificationDelivery
{
    /// <summary>Sent as <c>webhook-id</c> (<c>msg_…</c>) or in the email's Message-Id, unchanged across attempts.</summary>
    public Guid Id { get; set; }

    public Guid ApplicationId { get; set; }

    /// <summary>The notification this delivers, when it delivers one (release events to the webhook have none).</summary>
    public long? NotificationId { get; set; }

    public Notification? Notification { get; set; }

    public DeliveryChannel Channel { get; set; }

    /// <summary>Webhook event type (<c>notification.created</c>, <c>case.resolved</c>, <c>release.published</c> …); email: the notification kind.</summary>
    public string EventType { get; set; } = "";

    /// <summary>Email: the address. Webhook: empty (the application's endpoint is read at send time).</summary>
    public string Recipient { get; set; } = "";

    /// <summary>Webhook: the JSON body, fixed at creation so every attempt sends the same bytes.</summary>
    public string? Payload { get; set; }

    /// <summary>Email only: part of the end user's daily digest instead of a message of its own.</summary>
    public bool Digest { get; set; }

    public DeliveryStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>The dispatcher instance (and batch) holding the row; null when nobody does.</summary>
    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }
}

public enum DeliveryChannel
{
    Email,
    Webhook,
}

public enum DeliveryStatus
{
    Pending,

    /// <summary>Failed at least once and will be retried at <see cref="NotificationDelivery.NextAttemptAt"/>.</summary>
    Failed,

    Sent,

    /// <summary>Failed permanently or too often; an admin may retry it.</summary>
    DeadLettered,
}

/// <summary>How one application's end users and its backend are notified. No row: email on, no webhook, no digest.</summary>
public class NotificationChannelSettings
{
    public Guid ApplicationId { get; set; }

    public bool EmailEnabled { get; set; } = true;

    /// <summary>Collect an end user's emails of a day into one message sent at the digest hour.</summary>
    public bool DailyDigest { get; set; }

    public string? WebhookUrl { get; set; }

    /// <summary><c>whsec_</c> + base64 of 32 random bytes (Standard Webhooks).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Allow webhook targets on private, loopback and link-local addresses (refused by default: SSRF).</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>Set when the endpoint answered 410 Gone: no more webhooks until an admin saves the settings again.</summary>
    public DateTimeOffset? WebhookDisabledAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public Guid Version { get; set; }
}

/// <summary>An end user's opt-outs, set through the unsubscribe link; no row: nothing opted out.</summary>
public class EndUserPreference
{
    public Guid ApplicationId { get; set; }

    public string EndUserId { get; set; } = "";

    public bool EmailOptOut { get; set; }

    /// <summary>No in-app notifications (the end-user page, the API and the <c>notification.created</c> webhook).</summary>
    public bool InAppOptOut { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>An admin's version of one email template; the built-in one applies when there is no row.</summary>
public class NotificationTemplate
{
    /// <summary><c>released</c>, <c>dismissed</c>, <c>milestone</c> or <c>digest</c>.</summary>
    public string Key { get; set; } = "";

    public string Subject { get; set; } = "";

    public string Text { get; set; } = "";

    public string Html { get; set; } = "";

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedById { get; set; }
}
