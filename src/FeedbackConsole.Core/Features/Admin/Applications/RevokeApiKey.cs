using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Core.Features.Ingestion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Admin.Applications;

/// <summary>
/// An admin revokes an API key for good: this instance refuses it from the next request, others once their
/// key cache expires (<see cref="ApiKeyLookup.CacheLifetime"/>). A revoked key cannot be restored.
/// </summary>
public sealed class RevokeApiKey(
    IDbContextFactory<FeedbackDbContext> contexts,
    ApiKeyLookup lookup,
    PublishableOrigins corsOrigins,
    AuditTrail audit,
    TimeProvider time,
    ILogger<RevokeApiKey> logger)
{
    public async Task<Result> HandleAsync(Guid keyId, string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId, cancellationToken);
        if (key is null)
        {
            return Result.Fail("That key no longer exists.");
        }

        if (key.RevokedAt is null)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            key.RevokedAt = time.GetUtcNow();
            await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
                new AuditEntry("apikey.revoked", AuditEntityTypes.ApiKey, keyId.ToString("D"), key.ApplicationId,
                    Before: new { revoked = false }, After: new { revoked = true }), cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("User {ActingUserId} revoked key {KeyId} of application {ApplicationId}.", actingUserId, keyId, key.ApplicationId);
        }

        lookup.Forget(key.Hash);
        corsOrigins.Forget();
        return Result.Ok();
    }
}
