using System.ComponentModel.DataAnnotations;

namespace FeedbackConsole.Core.Features.Notifications;

/// <summary>How end users and applications are notified (email server, webhooks, retries, links). Section <c>Notifications</c>.</summary>
public sealed class NotificationOptions : IValidatableObject
{
    public const string Section = "Notifications";

    /// <summary>The console's address as end users reach it, for the links in emails (the end-user page, unsubscribe).</summary>
    [Required]
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>The SMTP server; empty: no email is sent (notifications stay in-app and webhook).</summary>
    public string SmtpHost { get; set; } = "";

    [Range(1, 65535)]
    public int SmtpPort { get; set; } = 587;

    /// <summary><c>None</c>, <c>StartTls</c>, <c>StartTlsWhenAvailable</c> or <c>SslOnConnect</c>.</summary>
    public SmtpSecurity SmtpSecurity { get; set; } = SmtpSecurity.StartTls;

    /// <summary>SMTP user name; empty: no authentication.</summary>
    public string SmtpUserName { get; set; } = "";

    public string SmtpPassword { get; set; } = "";

    /// <summary>The From of every email, e.g. <c>Acme feedback &lt;feedback@acme.example&gt;</c>.</summary>
    [Required]
    public string FromAddress { get; set; } = "FeedbackConsole <notifications@feedbackconsole.local>";

    /// <summary>Times a released correction must have been served before its end users hear "your fix has helped N people".</summary>
    [Range(1, 100_000_000)]
    public int MilestoneServings { get; set; } = 100;

    /// <summary>Attempts per delivery before it is dead-lettered.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failure; doubled after each further one (with jitter), up to <see cref="RetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the dispatcher looks for due deliveries when no decision on this instance woke it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Deliveries one dispatcher claims at once.</summary>
    [Range(1, 5000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>Parallel senders per instance (SMTP connections, webhook requests).</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 4;

    /// <summary>How long a claimed delivery is held; a crashed instance's rows are taken over after it.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A webhook request slower than this fails (and is retried).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a link to the end-user page works.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "365.00:00:00")]
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Hour of the day (UTC) at which daily digests are sent.</summary>
    [Range(0, 23)]
    public int DigestHourUtc { get; set; } = 8;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult("Notifications:PublicBaseUrl must be an absolute http(s) address.", [nameof(PublicBaseUrl)]);
        }

        if (!MimeKit.MailboxAddress.TryParse(FromAddress, out var from) || !from.Address.Contains('@', StringComparison.Ordinal))
        {
            yield return new ValidationResult("Notifications:FromAddress must be an email address (optionally with a name).", [nameof(FromAddress)]);
        }

        if (RetryMaxDelay < RetryBaseDelay)
        {
            yield return new ValidationResult("Notifications:RetryMaxDelay must not be shorter than RetryBaseDelay.", [nameof(RetryMaxDelay)]);
        }
    }
}

/// <summary>How the SMTP connection is secured.</summary>
public enum SmtpSecurity
{
    None,
    StartTls,
    StartTlsWhenAvailable,
    SslOnConnect,
}
