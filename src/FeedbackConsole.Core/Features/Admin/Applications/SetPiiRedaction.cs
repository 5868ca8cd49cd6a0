using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Admin.Applications;

/// <summary>
/// An admin turns PII redaction on or off for an application. It applies to text that arrives afterwards;
/// text already stored is not changed.
/// </summary>
public sealed class SetPiiRedaction(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, ILogger<SetPiiRedaction> logger)
{
    public async Task<Result> HandleAsync(Guid applicationId, bool redact, string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var application = await db.Applications.FirstOrDefaultAsync(a => a.Id == applicationId, cancellationToken);
        if (application is null)
        {
            return Result.Fail("That application no longer exists.");
        }

        if (application.RedactPii != redact)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            application.RedactPii = redact;
            await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
                new AuditEntry("application.pii_redaction_changed", AuditEntityTypes.Application, applicationId.ToString("D"), applicationId,
                    Before: new { redactPii = !redact }, After: new { redactPii = redact }), cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("User {ActingUserId} turned PII redaction {State} for application {ApplicationId}.",
                actingUserId, redact ? "on" : "off", applicationId);
        }

        return Result.Ok();
    }
}
