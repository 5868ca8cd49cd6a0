using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Core.Features.Ingestion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Admin.Applications;

/// <summary>
/// An admin archives an application: its data stays, but the API refuses all of its keys at once on this
/// instance (and on others when their key cache expires, <see cref="ApiKeyLookup.CacheLifetime"/>).
/// </summary>
public sealed class ArchiveApplication(
    IDbContextFactory<FeedbackDbContext> contexts,
    ApiKeyLookup keys,
    PublishableOrigins corsOrigins,
    AuditTrail audit,
    TimeProvider time,
    ILogger<ArchiveApplication> logger)
{
    public async Task<Result> HandleAsync(Guid applicationId, string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var application = await db.Applications.FirstOrDefaultAsync(a => a.Id == applicationId, cancellationToken);
        if (application is null)
        {
            return Result.Fail("That application no longer exists.");
        }

        if (application.ArchivedAt is null)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            application.ArchivedAt = time.GetUtcNow();
            await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
                new AuditEntry("application.archived", AuditEntityTypes.Application, applicationId.ToString("D"), applicationId,
                    Before: new { archived = false }, After: new { archived = true }), cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("User {ActingUserId} archived application {ApplicationId}.", actingUserId, applicationId);
        }

        await ForgetKeysAsync(db, keys, applicationId, cancellationToken);
        corsOrigins.Forget();
        return Result.Ok();
    }

    /// <summary>Drops every key of the application from the lookup cache, so the change applies to the next request.</summary>
    internal static async Task ForgetKeysAsync(FeedbackDbContext db, ApiKeyLookup keys, Guid applicationId, CancellationToken cancellationToken)
    {
        var hashes = await db.ApiKeys.AsNoTracking()
            .Where(k => k.ApplicationId == applicationId)
            .Select(k => k.Hash)
            .ToListAsync(cancellationToken);
        foreach (var hash in hashes)
        {
            keys.Forget(hash);
        }
    }
}
