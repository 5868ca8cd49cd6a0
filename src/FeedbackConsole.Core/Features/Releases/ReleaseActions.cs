using System.Globalization;
using System.Text.Json;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases;

/// <summary>The audit actions, entity types and domain events of releases, gates and eval suites.</summary>
public static class ReleaseActions
{
    public const string ReleaseEntity = "release";
    public const string EvalCaseEntity = "eval_case";

    public const string Built = "release.built";
    public const string GateStarted = "release.gate_started";
    public const string GatePassed = "release.gate_passed";
    public const string GateFailed = "release.gate_failed";
    public const string GateErrored = "release.gate_errored";
    public const string GateOverridden = "release.gate_overridden";
    public const string PromotedShadow = "release.promoted_shadow";
    public const string PromotedLive = "release.promoted_live";
    public const string Superseded = "release.superseded";
    public const string ShadowReplaced = "release.shadow_replaced";
    public const string RolledBack = "release.rolled_back";
    public const string Reinstated = "release.reinstated";

    public const string EvalCaseCreated = "eval_case.created";
    public const string EvalCaseUpdated = "eval_case.updated";
    public const string EvalCaseArchived = "eval_case.archived";
    public const string EvalCaseRestored = "eval_case.restored";
    public const string EvalCasesImported = "eval_case.imported";

    /// <summary>Domain event raised when a release goes Live (for the notifier and the outgoing webhook).</summary>
    public const string PublishedEvent = "release.published";

    /// <summary>Domain event raised when a Live release is rolled back.</summary>
    public const string RolledBackEvent = "release.rolled_back";

    public static string Id(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);
}

/// <summary>Helpers shared by the release use cases.</summary>
internal static class ReleaseRules
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Whether the person is a Lead or an Admin (releases, gates and promotion are theirs; checked here, not only in the UI).</summary>
    public static Task<bool> IsLeadAsync(FeedbackDbContext db, string userId, CancellationToken cancellationToken) =>
        (from userRole in db.UserRoles
         join role in db.Roles on userRole.RoleId equals role.Id
         where userRole.UserId == userId && (role.Name == Roles.Lead || role.Name == Roles.Admin)
         select userRole.UserId).AnyAsync(cancellationToken);

    /// <summary>Whether the person has any console role (eval suites are edited by Reviewers and above).</summary>
    public static Task<bool> IsReviewerAsync(FeedbackDbContext db, string userId, CancellationToken cancellationToken) =>
        (from userRole in db.UserRoles
         join role in db.Roles on userRole.RoleId equals role.Id
         where userRole.UserId == userId && (role.Name == Roles.Lead || role.Name == Roles.Admin || role.Name == Roles.Reviewer)
         select userRole.UserId).AnyAsync(cancellationToken);

    public const string LeadsOnly = "Only a Lead or an Admin may build, gate, promote or roll back releases.";

    public const string ReviewersOnly = "Only Reviewers, Leads and Admins may edit eval suites.";

    /// <summary>Adds a domain event row to <paramref name="db"/>; saved with the decision's own SaveChanges.</summary>
    public static void Raise(FeedbackDbContext db, string type, Guid applicationId, object payload, DateTimeOffset now) =>
        db.DomainEvents.Add(new DomainEvent
        {
            Type = type,
            ApplicationId = applicationId,
            Payload = JsonSerializer.Serialize(payload, Json),
            OccurredAt = now,
        });

    /// <summary>"Release 3".</summary>
    public static string Name(int number) => string.Create(CultureInfo.InvariantCulture, $"release {number}");
}
