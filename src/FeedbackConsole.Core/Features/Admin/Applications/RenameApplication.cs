using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Admin.Applications;

/// <summary>An admin renames an application. Its keys and data are untouched.</summary>
public sealed class RenameApplication(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, ILogger<RenameApplication> logger)
{
    public async Task<Result> HandleAsync(Guid applicationId, string newName, string actingUserId, CancellationToken cancellationToken = default)
    {
        var (name, invalid) = ApplicationNames.Normalize(newName);
        if (invalid is not null)
        {
            return Result.Fail(invalid);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var application = await db.Applications.FirstOrDefaultAsync(a => a.Id == applicationId, cancellationToken);
        if (application is null)
        {
            return Result.Fail("That application no longer exists.");
        }

        if (await ApplicationNames.FindConflictAsync(db, name, except: applicationId, cancellationToken) is { } conflict)
        {
            return Result.Fail(conflict);
        }

        if (application.Name == name)
        {
            return Result.Ok();
        }

        var before = application.Name;
        application.Name = name;
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry("application.renamed", AuditEntityTypes.Application, applicationId.ToString("D"), applicationId,
                Before: new { name = before }, After: new { name }), cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Result.Fail($"An application called “{name}” already exists. Choose another name.");
        }

        logger.LogInformation("User {ActingUserId} renamed application {ApplicationId}.", actingUserId, applicationId);
        return Result.Ok();
    }
}
