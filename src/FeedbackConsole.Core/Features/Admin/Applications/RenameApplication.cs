using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Admin.Applications;

/// <summary>An admin renames an application. Its keys and data are untouched.</summary>
public sealed class RenameApplication(IDbContextFactory<FeedbackDbContext> contexts, ILogger<RenameApplication> logger)
{
    public async Task<Result> HandleAsync(Guid applicationId, string newName, string actingUserId, CancellationToken cancellationToken = default)
    {
        var (name, invalid) = ApplicationNames.Normalize(newName);
        if (invalid is not null)
        {
            return Result.Fail(invalid);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
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

        application.Name = name;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Result.Fail($"An application called “{name}” already exists. Choose another name.");
        }

        logger.LogInformation("User {ActingUserId} renamed application {ApplicationId}.", actingUserId, applicationId);
        return Result.Ok();
    }
}
