using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Admin.Users;

/// <summary>
/// An admin resets a forgotten password: a new one-time password replaces it, open sessions are signed
/// out, a lockout is lifted, and the person must choose a new password at the next sign-in.
/// </summary>
public sealed class ResetUserPassword(UserManager<ApplicationUser> users, ILogger<ResetUserPassword> logger)
{
    public async Task<Result<string>> HandleAsync(string userId, string actingUserId)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return Result<string>.Fail("That user no longer exists.");
        }

        var password = PasswordPolicy.GenerateOneTimePassword();
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var reset = await users.ResetPasswordAsync(user, token, password);
        if (!reset.Succeeded)
        {
            return Result<string>.Fail(Validation.Describe(reset));
        }

        user.MustChangePassword = true;
        await users.UpdateAsync(user);
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);

        logger.LogInformation("User {ActingUserId} reset the password of {UserId}.", actingUserId, userId);
        return Result<string>.Ok(password);
    }
}
