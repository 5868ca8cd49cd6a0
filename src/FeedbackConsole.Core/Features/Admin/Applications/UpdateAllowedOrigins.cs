using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Core.Features.Ingestion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Admin.Applications;

/// <summary>An admin changes the origins a publishable key may be used from (the key itself stays the same).</summary>
public sealed class UpdateAllowedOrigins(
    IDbContextFactory<FeedbackDbContext> contexts,
    ApiKeyLookup lookup,
    PublishableOrigins corsOrigins,
    AuditTrail audit,
    ILogger<UpdateAllowedOrigins> logger)
{
    /// <summary>The origins as stored, normalised.</summary>
    public async Task<Result<IReadOnlyList<string>>> HandleAsync(Guid keyId, IEnumerable<string> origins, string actingUserId, CancellationToken cancellationToken = default)
    {
        var (normalized, invalid) = AllowedOrigins.NormalizeAll(origins);
        if (invalid is not null)
        {
            return Result<IReadOnlyList<string>>.Fail(invalid);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId, cancellationToken);
        if (key is null)
        {
            return Result<IReadOnlyList<string>>.Fail("That key no longer exists.");
        }

        if (key.Kind != ApiKeyKind.Publishable)
        {
            return Result<IReadOnlyList<string>>.Fail("Only publishable keys are limited to origins; a server key is for servers, not browsers.");
        }

        if (key.RevokedAt is not null)
        {
            return Result<IReadOnlyList<string>>.Fail("This key is revoked; create a new one instead.");
        }

        if (key.AllowedOrigins.SequenceEqual(normalized, StringComparer.Ordinal))
        {
            return Result<IReadOnlyList<string>>.Ok(normalized);
        }

        var before = key.AllowedOrigins.ToList();
        key.AllowedOrigins = [.. normalized];
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry("apikey.origins_changed", AuditEntityTypes.ApiKey, keyId.ToString("D"), key.ApplicationId,
                Before: new { allowedOrigins = before }, After: new { allowedOrigins = normalized }), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        lookup.Forget(key.Hash);
        corsOrigins.Forget();

        logger.LogInformation("User {ActingUserId} set {Count} allowed origins on key {KeyId} of application {ApplicationId}.",
            actingUserId, normalized.Count, keyId, key.ApplicationId);
        return Result<IReadOnlyList<string>>.Ok(normalized);
    }
}
