using System.ComponentModel.DataAnnotations;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Admin.Applications;

/// <summary>An admin registers an LLM application; it gets API keys afterwards. PII redaction starts on.</summary>
public sealed class CreateApplication(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, TimeProvider time, ILogger<CreateApplication> logger)
{
    public sealed class Request
    {
        [Required(ErrorMessage = "Enter a name for the application.")]
        [StringLength(ApplicationNames.MaxLength, ErrorMessage = "Keep the name to 100 characters or fewer.")]
        public string Name { get; set; } = "";
    }

    /// <summary>The new application's id.</summary>
    public async Task<Result<Guid>> HandleAsync(Request request, string actingUserId, CancellationToken cancellationToken = default)
    {
        var (name, invalid) = ApplicationNames.Normalize(request.Name);
        if (invalid is not null)
        {
            return Result<Guid>.Fail(invalid);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await ApplicationNames.FindConflictAsync(db, name, except: null, cancellationToken) is { } conflict)
        {
            return Result<Guid>.Fail(conflict);
        }

        var application = new Application { Id = Guid.NewGuid(), Name = name, CreatedAt = time.GetUtcNow(), RedactPii = true };
        db.Applications.Add(application);
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            Recorded(application), cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another admin created the same name a moment ago; the unique index caught it.
            return Result<Guid>.Fail($"An application called “{name}” already exists. Choose another name.");
        }

        logger.LogInformation("User {ActingUserId} created application {ApplicationId}.", actingUserId, application.Id);
        return Result<Guid>.Ok(application.Id);
    }

    /// <summary>The audit entry of a new application (also used by the headless bootstrap).</summary>
    internal static AuditEntry Recorded(Application application, string? reason = null) =>
        new("application.created", AuditEntityTypes.Application, application.Id.ToString("D"), application.Id,
            After: new { name = application.Name, redactPii = application.RedactPii }, Reason: reason);
}
