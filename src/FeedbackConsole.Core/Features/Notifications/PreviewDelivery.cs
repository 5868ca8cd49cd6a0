using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Notifications;

/// <summary>What a delivery sends (sends nothing): the email as rendered now, or the webhook's JSON body.</summary>
public sealed class PreviewDelivery(IDbContextFactory<FeedbackDbContext> contexts, EndUserLinks links)
{
    public sealed record Preview(DeliveryChannel Channel, string? Subject, string? Text, string? Html, string? Json, string? To);

    public async Task<Preview?> HandleAsync(Guid deliveryId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var delivery = await db.NotificationDeliveries.AsNoTracking().Include(d => d.Notification).FirstOrDefaultAsync(d => d.Id == deliveryId, cancellationToken);
        if (delivery is null)
        {
            return null;
        }

        if (delivery.Channel == DeliveryChannel.Webhook || delivery.Notification is null)
        {
            return new Preview(delivery.Channel, null, null, null, delivery.Payload, null);
        }

        var n = delivery.Notification;
        var application = await db.Applications.AsNoTracking().Where(a => a.Id == delivery.ApplicationId).Select(a => a.Name).FirstAsync(cancellationToken);
        var template = await NotificationTemplates.LoadAsync(db, NotificationTemplates.KeyOf(n.Kind), cancellationToken);
        var email = NotificationTemplates.Render(template, Values(application, n.Feedback, n.Outcome, n.ServedCount ?? 0,
            links.PageUrl(delivery.ApplicationId, n.EndUserId), links.UnsubscribeUrl(delivery.ApplicationId, n.EndUserId, UnsubscribeChannel.Email)));
        return new Preview(delivery.Channel, email.Subject, email.Text, email.Html, null, delivery.Recipient);
    }

    public static Dictionary<string, string> Values(string application, string feedback, string outcome, long count, string pageUrl, string unsubscribeUrl) => new()
    {
        ["application"] = application,
        ["feedback"] = feedback,
        ["outcome"] = outcome,
        ["count"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["pageUrl"] = pageUrl,
        ["unsubscribeUrl"] = unsubscribeUrl,
    };
}
