using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Notifications;

/// <summary>The email templates for the editor: each one in force, and whether an admin changed it.</summary>
public sealed class GetTemplates(IDbContextFactory<FeedbackDbContext> contexts)
{
    public sealed record Item(string Key, string Title, string Subject, string Text, string Html, bool Customized, DateTimeOffset? UpdatedAt);

    public async Task<IReadOnlyList<Item>> HandleAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var saved = await db.NotificationTemplates.AsNoTracking().ToDictionaryAsync(t => t.Key, cancellationToken);
        return [.. NotificationTemplates.Keys.Select(key => saved.TryGetValue(key, out var t)
            ? new Item(key, NotificationTemplates.Title(key), t.Subject, t.Text, t.Html, true, t.UpdatedAt)
            : ToItem(NotificationTemplates.Default(key)))];
    }

    private static Item ToItem(NotificationTemplate t) => new(t.Key, NotificationTemplates.Title(t.Key), t.Subject, t.Text, t.Html, false, null);

    /// <summary>A template filled with sample values, as the editor's preview shows it.</summary>
    public static RenderedEmail Preview(string key, string subject, string text, string html) =>
        NotificationTemplates.Render(
            new NotificationTemplate { Key = key, Subject = subject, Text = text, Html = html },
            PreviewDelivery.Values("Acme Support Assistant", "About “How long is the refund window?”, you wrote “It is 30 days, not 14”.",
                key == NotificationTemplates.Dismissed
                    ? "The 14-day window is right for the Basic plan you are on; thanks for checking."
                    : key == NotificationTemplates.Milestone
                        ? "The fix made from your feedback has now helped 100 people: the assistant has used it 100 times."
                        : "We corrected the answer. Since 27 November 2026 the assistant uses this correction: \"Refund window\" — Refunds are possible within 30 days.",
                100, "https://feedback.example.com/my-feedback/…", "https://feedback.example.com/my-feedback/unsubscribe/…"),
            "- About “How long is the refund window?”, you wrote “It is 30 days, not 14”.\n  We corrected the answer.\n\n",
            "<ul><li><p>About “How long is the refund window?”, you wrote “It is 30 days, not 14”.</p><p>We corrected the answer.</p></li></ul>");
}

/// <summary>An admin saves (or resets to the built-in one) an email template; unknown placeholders and empty parts are refused.</summary>
public sealed class SaveTemplate(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, TimeProvider time)
{
    public const string Action = "notification.template_changed";

    public async Task<Result> HandleAsync(string key, string? subject, string? text, string? html, bool reset, string actingUserId, CancellationToken cancellationToken = default)
    {
        if (!NotificationTemplates.Keys.Contains(key))
        {
            return Result.Fail("There is no such template.");
        }

        if (!reset)
        {
            if (string.IsNullOrWhiteSpace(subject) || string.IsNullOrWhiteSpace(text) || string.IsNullOrWhiteSpace(html))
            {
                return Result.Fail("Write a subject, a text body and an HTML body.");
            }

            if (subject.Length > 300 || text.Length > 20_000 || html.Length > 40_000)
            {
                return Result.Fail("The subject holds at most 300 characters, the text 20,000 and the HTML 40,000.");
            }

            var unknown = NotificationTemplates.UnknownPlaceholders(subject + text + html);
            if (unknown.Count > 0)
            {
                return Result.Fail($"Unknown placeholder {string.Join(", ", unknown.Select(u => "{{" + u + "}}"))}. Use {string.Join(", ", NotificationTemplates.Placeholders.Select(p => "{{" + p + "}}"))}.");
            }

            if (!(text + html).Contains("{{unsubscribeUrl}}", StringComparison.Ordinal))
            {
                return Result.Fail("Keep the {{unsubscribeUrl}} link in the email: end users must be able to opt out.");
            }
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = await db.NotificationTemplates.FirstOrDefaultAsync(t => t.Key == key, cancellationToken);
        var before = row is null ? null : new { row.Subject };
        if (reset)
        {
            if (row is null)
            {
                return Result.Ok();
            }

            db.NotificationTemplates.Remove(row);
        }
        else
        {
            if (row is null)
            {
                row = new NotificationTemplate { Key = key };
                db.NotificationTemplates.Add(row);
            }

            row.Subject = subject!.Trim();
            row.Text = text!;
            row.Html = html!;
            row.UpdatedAt = time.GetUtcNow();
            row.UpdatedById = actingUserId;
        }

        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry(Action, "notification_template", key, null, Before: before, After: reset ? new { reset = true } : new { subject = row.Subject }), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result.Ok();
    }
}
