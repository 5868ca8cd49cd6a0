using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Admin.Users;

/// <summary>
/// An admin changes a person's roles. The security stamp is renewed so that open sessions pick up the
/// change at their next revalidation (at most a minute). The last active admin cannot lose the Admin role.
/// </summary>
public sealed class SetUserRoles(UserManager<ApplicationUser> users, AdminGuard guard, FeedbackDbContext db, AuditTrail audit, ILogger<SetUserRoles> logger)
{
    public async Task<Result> HandleAsync(string userId, IReadOnlyCollection<string> roles, string actingUserId)
    {
        if (roles.FirstOrDefault(r => !Roles.IsKnown(r)) is { } unknown)
        {
            return Result.Fail($"Unknown role '{unknown}'.");
        }

        // UserManager saves through this scoped context: the change and its audit event share the transaction.
        await using var transaction = await db.Database.BeginTransactionAsync();
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return Result.Fail("That user no longer exists.");
        }

        var current = await users.GetRolesAsync(user);
        if (current.Contains(Roles.Admin) && !roles.Contains(Roles.Admin)
            && await guard.IsLastActiveAdminAsync(user))
        {
            return Result.Fail("This is the last active admin: make someone else an admin first.");
        }

        var toRemove = current.Except(roles, StringComparer.Ordinal).ToList();
        var toAdd = roles.Except(current, StringComparer.Ordinal).ToList();
        if (toRemove.Count == 0 && toAdd.Count == 0)
        {
            return Result.Ok();
        }

        var removed = await users.RemoveFromRolesAsync(user, toRemove);
        if (!removed.Succeeded)
        {
            return Result.Fail(Validation.Describe(removed));
        }

        var added = await users.AddToRolesAsync(user, toAdd);
        if (!added.Succeeded)
        {
            return Result.Fail(Validation.Describe(added));
        }

        await users.UpdateSecurityStampAsync(user);
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId),
            new AuditEntry("user.roles_changed", AuditEntityTypes.User, user.Id,
                Before: new { roles = current.Order(StringComparer.Ordinal).ToList() },
                After: new { roles = roles.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() }));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        logger.LogInformation("User {ActingUserId} changed the roles of {UserId}: added {Added}, removed {Removed}.",
            actingUserId, userId, string.Join(",", toAdd), string.Join(",", toRemove));
        return Result.Ok();
    }
}
