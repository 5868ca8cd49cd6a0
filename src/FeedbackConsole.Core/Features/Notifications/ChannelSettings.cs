using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Notifications;

/// <summary>One application's notification channels as the settings page shows them (the webhook secret once, on request).</summary>
public sealed record ChannelSettingsView(
    Guid ApplicationId, string Application, bool EmailEnabled, bool DailyDigest, string? WebhookUrl, bool HasSecret, string? SecretHint,
    bool AllowPrivateTargets, DateTimeOffset? WebhookDisabledAt, bool SmtpConfigured);

/// <summary>Reads an application's channel settings (defaults when none are saved).</summary>
public sealed class GetChannelSettings(IDbContextFactory<FeedbackDbContext> contexts, Microsoft.Extensions.Options.IOptions<NotificationOptions> options)
{
    public async Task<ChannelSettingsView?> HandleAsync(Guid applicationId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var name = await db.Applications.AsNoTracking().Where(a => a.Id == applicationId).Select(a => a.Name).FirstOrDefaultAsync(cancellationToken);
        if (name is null)
        {
            return null;
        }

        var s = await db.NotificationChannelSettings.AsNoTracking().FirstOrDefaultAsync(x => x.ApplicationId == applicationId, cancellationToken);
        var smtp = !string.IsNullOrWhiteSpace(options.Value.SmtpHost);
        return s is null
            ? new ChannelSettingsView(applicationId, name, true, false, null, false, null, false, null, smtp)
            : new ChannelSettingsView(applicationId, name, s.EmailEnabled, s.DailyDigest, s.WebhookUrl, s.WebhookSecret is not null,
                s.WebhookSecret is { Length: > 10 } secret ? secret[..10] + "…" : null, s.AllowPrivateTargets, s.WebhookDisabledAt, smtp);
    }
}

/// <summary>
/// An admin saves an application's channels: email on or off, daily digest, the webhook endpoint (http(s) URL) and whether it
/// may be a private address. Saving re-enables an endpoint disabled by a 410. A new endpoint gets a new <c>whsec_</c> secret,
/// returned once; rotating makes a new one for the same endpoint.
/// </summary>
public sealed class SaveChannelSettings(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, TimeProvider time)
{
    public const string Action = "notification.channels_changed";

    /// <summary>Succeeds with the new secret when one was made (show it once), else null.</summary>
    public async Task<Result<string?>> HandleAsync(
        Guid applicationId, bool emailEnabled, bool dailyDigest, string? webhookUrl, bool allowPrivateTargets, bool rotateSecret, string actingUserId,
        CancellationToken cancellationToken = default)
    {
        var url = string.IsNullOrWhiteSpace(webhookUrl) ? null : webhookUrl.Trim();
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || url.Length > 2000))
        {
            return Result<string?>.Fail("The webhook address must be a full http:// or https:// URL (at most 2,000 characters).");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await db.Applications.AnyAsync(a => a.Id == applicationId, cancellationToken))
        {
            return Result<string?>.Fail("That application no longer exists.");
        }

        var now = time.GetUtcNow();
        var settings = await db.NotificationChannelSettings.FirstOrDefaultAsync(s => s.ApplicationId == applicationId, cancellationToken);
        var before = settings is null ? null : new { settings.EmailEnabled, settings.DailyDigest, settings.WebhookUrl, settings.AllowPrivateTargets, disabled = settings.WebhookDisabledAt != null };
        if (settings is null)
        {
            settings = new NotificationChannelSettings { ApplicationId = applicationId };
            db.NotificationChannelSettings.Add(settings);
        }

        string? newSecret = null;
        if (url is not null && (rotateSecret || settings.WebhookSecret is null || !string.Equals(settings.WebhookUrl, url, StringComparison.Ordinal)))
        {
            newSecret = WebhookSender.NewSecret();
            settings.WebhookSecret = newSecret;
        }

        if (url is null)
        {
            settings.WebhookSecret = null;
        }

        settings.EmailEnabled = emailEnabled;
        settings.DailyDigest = dailyDigest;
        settings.WebhookUrl = url;
        settings.AllowPrivateTargets = allowPrivateTargets;
        settings.WebhookDisabledAt = null;
        settings.UpdatedAt = now;
        settings.Version = Guid.NewGuid();
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry(Action, AuditEntityTypes.Application, applicationId.ToString("D"), applicationId,
                Before: before,
                After: new { emailEnabled, dailyDigest, webhookUrl = url, allowPrivateTargets, secretRotated = newSecret is not null }), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<string?>.Ok(newSecret);
    }
}
