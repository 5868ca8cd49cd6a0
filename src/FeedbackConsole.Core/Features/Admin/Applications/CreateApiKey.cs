using System.ComponentModel.DataAnnotations;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Core.Features.Ingestion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Admin.Applications;

/// <summary>
/// An admin creates an API key for an application. The key is returned once and only its SHA-256 hash and
/// display prefix are stored. A publishable key needs the origins it may be used from; a server key has none.
/// </summary>
public sealed class CreateApiKey(
    IDbContextFactory<FeedbackDbContext> contexts,
    ApiKeyLookup lookup,
    PublishableOrigins corsOrigins,
    AuditTrail audit,
    TimeProvider time,
    ILogger<CreateApiKey> logger)
{
    public const int MaxLabelLength = 100;

    public sealed class Request
    {
        public ApiKeyKind Kind { get; set; } = ApiKeyKind.Server;

        [Required(ErrorMessage = "Enter a label, so that you can tell this key from the others.")]
        [StringLength(MaxLabelLength, ErrorMessage = "Keep the label to 100 characters or fewer.")]
        public string Label { get; set; } = "";

        /// <summary>For publishable keys: where the web page that embeds the key is served from. Ignored for server keys.</summary>
        public IReadOnlyList<string> AllowedOrigins { get; set; } = [];
    }

    /// <summary>The new key: <see cref="Key"/> is shown to the admin now and never again.</summary>
    public sealed record Created(Guid KeyId, string Key, string DisplayPrefix, ApiKeyKind Kind, IReadOnlyList<string> AllowedOrigins);

    public async Task<Result<Created>> HandleAsync(Guid applicationId, Request request, string actingUserId, CancellationToken cancellationToken = default)
    {
        var label = request.Label.Trim();
        if (label.Length == 0)
        {
            return Result<Created>.Fail("Enter a label, so that you can tell this key from the others.");
        }

        if (label.Length > MaxLabelLength || label.Any(char.IsControl))
        {
            return Result<Created>.Fail("Keep the label to one line of 100 characters or fewer.");
        }

        if (!Enum.IsDefined(request.Kind))
        {
            return Result<Created>.Fail("Choose a server key or a publishable key.");
        }

        IReadOnlyList<string> origins = [];
        if (request.Kind == ApiKeyKind.Publishable)
        {
            (origins, var invalid) = Applications.AllowedOrigins.NormalizeAll(request.AllowedOrigins);
            if (invalid is not null)
            {
                return Result<Created>.Fail(invalid);
            }
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var application = await db.Applications.AsNoTracking()
            .Where(a => a.Id == applicationId)
            .Select(a => new { a.ArchivedAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (application is null)
        {
            return Result<Created>.Fail("That application no longer exists.");
        }

        if (application.ArchivedAt is not null)
        {
            return Result<Created>.Fail("This application is archived and accepts no API calls. Unarchive it before creating keys.");
        }

        var key = ApiKeyFormat.Generate(request.Kind);
        var entity = NewKey(applicationId, request.Kind, label, key, origins, time.GetUtcNow(), actingUserId);
        db.ApiKeys.Add(entity);
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken), Recorded(entity), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        lookup.Forget(entity.Hash);
        corsOrigins.Forget();

        logger.LogInformation("User {ActingUserId} created {Kind} key {KeyId} for application {ApplicationId}.",
            actingUserId, request.Kind, entity.Id, applicationId);
        return Result<Created>.Ok(new Created(entity.Id, key, entity.Prefix, entity.Kind, origins));
    }

    /// <summary>The audit entry of a new key: what kind, its label and origins — never the key, its hash or its prefix.</summary>
    internal static AuditEntry Recorded(ApiKey key, string? reason = null) =>
        new("apikey.created", AuditEntityTypes.ApiKey, key.Id.ToString("D"), key.ApplicationId,
            After: key.Kind == ApiKeyKind.Publishable
                ? new { kind = "publishable", label = key.Label, allowedOrigins = key.AllowedOrigins }
                : (object)new { kind = "server", label = key.Label },
            Reason: reason);

    /// <summary>The stored form of a key: its hash and display prefix, never the key.</summary>
    internal static ApiKey NewKey(Guid applicationId, ApiKeyKind kind, string label, string key, IReadOnlyList<string> origins, DateTimeOffset now, string? createdBy) =>
        new()
        {
            Id = Guid.NewGuid(),
            ApplicationId = applicationId,
            Kind = kind,
            Label = label,
            Prefix = ApiKeyFormat.DisplayPrefix(key),
            Hash = ApiKeyFormat.Hash(key),
            AllowedOrigins = [.. origins],
            CreatedAt = now,
            CreatedByUserId = createdBy,
        };
}
