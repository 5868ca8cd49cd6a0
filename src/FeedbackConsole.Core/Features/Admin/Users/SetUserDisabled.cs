using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Admin.Users;

/// <summary>
/// An admin disables or re-enables a person. Disabling renews the security stamp, so open sessions lose
/// access at the next revalidation; enabling also lifts a lockout from failed sign-ins.
/// </summary>
public sealed class SetUserDisabled(UserManager<ApplicationUser> users, AdminGuard guard, ILogger<SetUserDisabled> logger)
{
    public async Task<Result> HandleAsync(string userId, bool disabled, string actingUserId)
    {
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

        logger.LogInformation("User {ActingUserId} {Action} user {UserId}.", actingUserId, disabled ? "disabled" : "enabled", userId);
        return Result.Ok();
    }
}
