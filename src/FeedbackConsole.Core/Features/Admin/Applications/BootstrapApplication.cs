using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Core.Features.Ingestion;
using FeedbackConsole.Core.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.Admin.Applications;

/// <summary>
/// Headless set-up of an application (<c>Bootstrap:Application:Name</c> and <c>:ApiKey</c>), run at every
/// start and idempotent. The key decides: once its hash is stored, nothing is done, so renaming, archiving
/// or revoking in the console is never undone by a restart. Otherwise the key is added to the application
/// of that name (in any case), which is created first when there is none.
/// </summary>
public sealed class BootstrapApplication(
    IDbContextFactory<FeedbackDbContext> contexts,
    IOptions<BootstrapOptions> options,
    ApiKeyLookup lookup,
    AuditTrail audit,
    TimeProvider time,
    ILogger<BootstrapApplication> logger)
{
    public const string KeyLabel = "From configuration (Bootstrap:Application:ApiKey)";

    /// <summary>The reason the audit trail gives for what the bootstrap creates (the actor is the system).</summary>
    public const string AuditReason = "Created at start-up from configuration (Bootstrap:Application).";

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var configured = options.Value.Application;
        if (!configured.IsConfigured)
        {
            return;
        }

        var (name, _) = ApplicationNames.Normalize(configured.Name);
        var key = configured.ApiKey!.Trim();
        var hash = ApiKeyFormat.Hash(key);

        // Two instances starting together on one PostgreSQL may race; the unique indexes on the key hash and
        // the name stop the loser, which then finds the winner's rows on its second pass.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await EnsureAsync(name, key, hash, cancellationToken);
                return;
            }
            catch (DbUpdateException) when (attempt == 1)
            {
                logger.LogInformation("Bootstrap:Application raced with another instance; checking again.");
            }
        }
    }

    private async Task EnsureAsync(string name, string key, string hash, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var existing = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Hash == hash)
            .Select(k => new { k.Id, k.ApplicationId, k.RevokedAt, k.Application!.ArchivedAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (existing is not null)
        {
            if (existing.RevokedAt is not null || existing.ArchivedAt is not null)
            {
                logger.LogWarning(
                    "The key in Bootstrap:Application:ApiKey ({KeyId}, application {ApplicationId}) was revoked or its application archived in the console; it stays that way.",
                    existing.Id, existing.ApplicationId);
            }

            return;
        }

        var now = time.GetUtcNow();
        var recorded = new List<AuditEntry>(2);
        var applications = await db.Applications.Select(a => new { a.Id, a.Name }).ToListAsync(cancellationToken);
        var applicationId = applications.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))?.Id;
        if (applicationId is null)
        {
            var application = new Application { Id = Guid.NewGuid(), Name = name, CreatedAt = now, RedactPii = true };
            db.Applications.Add(application);
            applicationId = application.Id;
            recorded.Add(CreateApplication.Recorded(application, AuditReason));
            logger.LogInformation("Creating application {ApplicationId} from Bootstrap:Application.", application.Id);
        }

        var entity = CreateApiKey.NewKey(applicationId.Value, ApiKeyKind.Server, KeyLabel, key, [], now, createdBy: null);
        db.ApiKeys.Add(entity);
        recorded.Add(CreateApiKey.Recorded(entity, AuditReason));
        await audit.RecordManyAsync(db, AuditActor.System, recorded, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        // A request may have tried this key before it existed; that refusal is cached.
        lookup.Forget(hash);
        logger.LogInformation("Added the server key {KeyId} from Bootstrap:Application:ApiKey to application {ApplicationId}.", entity.Id, applicationId);
    }
}
