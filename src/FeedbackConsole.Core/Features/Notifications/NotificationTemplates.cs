using System.Net;
using System.Text;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Notifications;

/// <summary>
/// The email templates: built-in ones, which an admin may replace (<see cref="NotificationTemplate"/> rows). Placeholders
/// in double braces are filled with values that are HTML-encoded in the HTML body and stripped of line breaks in the
/// subject, so nothing an end user or an LLM wrote can add markup or a header.
/// </summary>
public static class NotificationTemplates
{
    public const string Released = "released";
    public const string Dismissed = "dismissed";
    public const string Milestone = "milestone";
    public const string Digest = "digest";

    public static IReadOnlyList<string> Keys { get; } = [Released, Dismissed, Milestone, Digest];

    /// <summary>Placeholders every template may use.</summary>
    public static IReadOnlyList<string> Placeholders { get; } = ["application", "feedback", "outcome", "count", "pageUrl", "unsubscribeUrl", "items"];

    public static string KeyOf(NotificationKind kind) => kind switch
    {
        NotificationKind.Released => Released,
        NotificationKind.Dismissed => Dismissed,
        _ => Milestone,
    };

    public static string Title(string key) => key switch
    {
        Released => "Correction released",
        Dismissed => "Feedback dismissed with a reason",
        Milestone => "Your fix has helped N people",
        Digest => "Daily digest",
        _ => key,
    };

    public static NotificationTemplate Default(string key) => key switch
    {
        Released => new NotificationTemplate
        {
            Key = Released,
            Subject = "{{application}}: your feedback led to a fix",
            Text = "Hello,\n\nThank you for your feedback. {{feedback}}\n\nWhat we did: {{outcome}}\n\nSee all your feedback and what came of it: {{pageUrl}}\n\n— The {{application}} team\n\nNo more emails like this: {{unsubscribeUrl}}\n",
            Html = Page("<p>Thank you for your feedback.</p><blockquote>{{feedback}}</blockquote><p><strong>What we did:</strong> {{outcome}}</p>"),
        },
        Dismissed => new NotificationTemplate
        {
            Key = Dismissed,
            Subject = "{{application}}: about your feedback",
            Text = "Hello,\n\nThank you for your feedback. {{feedback}}\n\nWe looked at it carefully and are not changing the answer: {{outcome}}\n\nSee all your feedback and what came of it: {{pageUrl}}\n\n— The {{application}} team\n\nNo more emails like this: {{unsubscribeUrl}}\n",
            Html = Page("<p>Thank you for your feedback.</p><blockquote>{{feedback}}</blockquote><p>We looked at it carefully and are not changing the answer: {{outcome}}</p>"),
        },
        Milestone => new NotificationTemplate
        {
            Key = Milestone,
            Subject = "{{application}}: your fix has helped {{count}} people",
            Text = "Hello,\n\n{{outcome}}\n\nIt started with your feedback: {{feedback}}\n\nSee all your feedback and what came of it: {{pageUrl}}\n\n— The {{application}} team\n\nNo more emails like this: {{unsubscribeUrl}}\n",
            Html = Page("<p><strong>{{outcome}}</strong></p><p>It started with your feedback:</p><blockquote>{{feedback}}</blockquote>"),
        },
        _ => new NotificationTemplate
        {
            Key = Digest,
            Subject = "{{application}}: what came of your feedback ({{count}})",
            Text = "Hello,\n\nHere is what came of your feedback:\n\n{{items}}\nSee all your feedback and what came of it: {{pageUrl}}\n\n— The {{application}} team\n\nNo more emails like this: {{unsubscribeUrl}}\n",
            Html = Page("<p>Here is what came of your feedback:</p>{{items}}"),
        },
    };

    private static string Page(string body) =>
        "<!DOCTYPE html>\n<html>\n<body style=\"font-family:system-ui,sans-serif;max-width:600px;margin:auto;color:#222\">\n" +
        "<p>Hello,</p>\n" + body.Replace("><", ">\n<", StringComparison.Ordinal) + "\n" +
        "<p><a href=\"{{pageUrl}}\">See all your feedback and what came of it</a></p>\n" +
        "<p>— The {{application}} team</p>\n" +
        "<p style=\"font-size:12px;color:#666\"><a href=\"{{unsubscribeUrl}}\">No more emails like this</a></p>\n</body>\n</html>\n";

    /// <summary>The template in force for <paramref name="key"/>: the admin's, else the built-in one.</summary>
    public static async Task<NotificationTemplate> LoadAsync(FeedbackDbContext db, string key, CancellationToken cancellationToken) =>
        await db.NotificationTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Key == key, cancellationToken) ?? Default(key);

    /// <summary>Fills a template. <paramref name="itemsText"/> and <paramref name="itemsHtml"/> are the digest's list (HTML already encoded).</summary>
    public static RenderedEmail Render(NotificationTemplate template, IReadOnlyDictionary<string, string> values, string itemsText = "", string itemsHtml = "")
    {
        var subject = Fill(template.Subject, values, encode: false, items: itemsText);
        subject = new string([.. subject.Where(c => !char.IsControl(c))]).Trim();
        if (subject.Length > 250)
        {
            subject = subject[..250];
        }

        return new RenderedEmail(subject, Fill(template.Text, values, encode: false, items: itemsText), Fill(template.Html, values, encode: true, items: itemsHtml));
    }

    /// <summary>Placeholders a template uses that are not known (shown by the editor before saving).</summary>
    public static IReadOnlyList<string> UnknownPlaceholders(string text)
    {
        var unknown = new List<string>();
        var at = 0;
        while ((at = text.IndexOf("{{", at, StringComparison.Ordinal)) >= 0)
        {
            var end = text.IndexOf("}}", at, StringComparison.Ordinal);
            if (end < 0)
            {
                break;
            }

            var name = text[(at + 2)..end].Trim();
            if (!Placeholders.Contains(name) && !unknown.Contains(name))
            {
                unknown.Add(name);
            }

            at = end + 2;
        }

        return unknown;
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> values, bool encode, string items)
    {
        var result = new StringBuilder(template.Length + 256);
        var at = 0;
        while (true)
        {
            var start = template.IndexOf("{{", at, StringComparison.Ordinal);
            var end = start < 0 ? -1 : template.IndexOf("}}", start, StringComparison.Ordinal);
            if (start < 0 || end < 0)
            {
                result.Append(template, at, template.Length - at);
                return result.ToString();
            }

            result.Append(template, at, start - at);
            var name = template[(start + 2)..end].Trim();
            if (name == "items")
            {
                result.Append(items);
            }
            else if (values.TryGetValue(name, out var value))
            {
                result.Append(encode ? WebUtility.HtmlEncode(value) : value);
            }

            at = end + 2;
        }
    }
}

/// <summary>One email's subject, text body and HTML body.</summary>
public sealed record RenderedEmail(string Subject, string Text, string Html);
