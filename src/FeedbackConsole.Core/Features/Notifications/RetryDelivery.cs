using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Notifications;

/// <summary>An admin sends a dead-lettered or failing delivery again now, with a fresh set of attempts and the same id.</summary>
public sealed class RetryDelivery(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, NotificationWakeup wakeup, TimeProvider time)
{
    public const string Action = "notification.retried";
    public const string EntityType = "notification_delivery";

    public async Task<Result> HandleAsync(Guid deliveryId, string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var delivery = await db.NotificationDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == deliveryId, cancellationToken);
        if (delivery is null)
        {
            return Result.Fail("That delivery no longer exists.");
        }

        if (delivery.Status is DeliveryStatus.Sent or DeliveryStatus.Pending)
        {
            return Result.Fail(delivery.Status == DeliveryStatus.Sent ? "This delivery was sent already." : "This delivery is waiting to be sent already.");
        }

        var now = time.GetUtcNow();
        var changed = await db.NotificationDeliveries
            .Where(d => d.Id == deliveryId && d.Status == delivery.Status && d.LeaseOwner == null)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, DeliveryStatus.Pending).SetProperty(d => d.Attempts, 0).SetProperty(d => d.NextAttemptAt, now), cancellationToken);
        if (changed == 0)
        {
            return Result.Fail("The dispatcher is working on this delivery right now; look again in a moment.");
        }

        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry(Action, EntityType, deliveryId.ToString("D"), delivery.ApplicationId,
                Before: new { status = delivery.Status.ToString(), attempts = delivery.Attempts, lastError = delivery.LastError },
                After: new { status = nameof(DeliveryStatus.Pending), attempts = 0 }), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        wakeup.Wake();
        return Result.Ok();
    }
}
