using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
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
            key.RevokedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("User {ActingUserId} revoked key {KeyId} of application {ApplicationId}.", actingUserId, keyId, key.ApplicationId);
        }

        lookup.Forget(key.Hash);
        corsOrigins.Forget();
        return Result.Ok();
    }
}
