using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Core.Features.Ingestion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Admin.Applications;

/// <summary>An admin brings an archived application back: its keys that were not revoked work again.</summary>
public sealed class UnarchiveApplication(
    IDbContextFactory<FeedbackDbContext> contexts,
    ApiKeyLookup keys,
    PublishableOrigins corsOrigins,
    AuditTrail audit,
    ILogger<UnarchiveApplication> logger)
{
    public async Task<Result> HandleAsync(Guid applicationId, string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var application = await db.Applications.FirstOrDefaultAsync(a => a.Id == applicationId, cancellationToken);
        if (application is null)
        {
            return Result.Fail("That application no longer exists.");
        }

        if (application.ArchivedAt is not null)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            application.ArchivedAt = null;
            await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
                new AuditEntry("application.unarchived", AuditEntityTypes.Application, applicationId.ToString("D"), applicationId,
                    Before: new { archived = true }, After: new { archived = false }), cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("User {ActingUserId} unarchived application {ApplicationId}.", actingUserId, applicationId);
        }

        // The lookup also remembers refusals for a while; forget them so the keys work on the next request.
        await ArchiveApplication.ForgetKeysAsync(db, keys, applicationId, cancellationToken);
        corsOrigins.Forget();
        return Result.Ok();
    }
}
