using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Admin.Users;

/// <summary>
/// An admin disables or re-enables a person. Disabling renews the security stamp, so open sessions lose
/// access at the next revalidation; enabling also lifts a lockout from failed sign-ins.
/// </summary>
public sealed class SetUserDisabled(UserManager<ApplicationUser> users, AdminGuard guard, FeedbackDbContext db, AuditTrail audit, ILogger<SetUserDisabled> logger)
{
    public async Task<Result> HandleAsync(string userId, bool disabled, string actingUserId)
    {
        // UserManager saves through this scoped context: the change and its audit event share the transaction.
        await using var transaction = await db.Database.BeginTransactionAsync();
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return Result.Fail("That user no longer exists.");
        }

        if (disabled && user.Id == actingUserId)
        {
            return Result.Fail("You cannot disable your own account.");
        }

        if (disabled && await guard.IsLastActiveAdminAsync(user))
        {
            return Result.Fail("This is the last active admin: make someone else an admin first.");
        }

        var wasDisabled = user.IsDisabled;
        var wasLockedOut = await users.IsLockedOutAsync(user);
        user.IsDisabled = disabled;
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded)
        {
            return Result.Fail(Validation.Describe(updated));
        }

        if (disabled)
        {
            await users.UpdateSecurityStampAsync(user);
        }
        else
        {
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
        }

        var entry = disabled
            ? new AuditEntry("user.disabled", AuditEntityTypes.User, user.Id, Before: new { disabled = wasDisabled }, After: new { disabled = true })
            : wasLockedOut
                ? new AuditEntry("user.enabled", AuditEntityTypes.User, user.Id,
                    Before: new { disabled = wasDisabled, lockedOut = true }, After: new { disabled = false, lockedOut = false })
                : new AuditEntry("user.enabled", AuditEntityTypes.User, user.Id, Before: new { disabled = wasDisabled }, After: new { disabled = false });
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId), entry);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();

        logger.LogInformation("User {ActingUserId} {Action} user {UserId}.", actingUserId, disabled ? "disabled" : "enabled", userId);
        return Result.Ok();
    }
}
