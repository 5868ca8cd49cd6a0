using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Admin.Users;

/// <summary>
/// An admin resets a forgotten password: a new one-time password replaces it, open sessions are signed
/// out, a lockout is lifted, and the person must choose a new password at the next sign-in.
/// </summary>
public sealed class ResetUserPassword(UserManager<ApplicationUser> users, FeedbackDbContext db, AuditTrail audit, ILogger<ResetUserPassword> logger)
{
    public async Task<Result<string>> HandleAsync(string userId, string actingUserId)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return Result<string>.Fail("That user no longer exists.");
        }

        var password = PasswordPolicy.GenerateOneTimePassword();
        // The token comes first, outside the transaction: making it may create a data-protection key, which is
        // written through another connection and would wait on SQLite's writer lock held by the transaction.
        var token = await users.GeneratePasswordResetTokenAsync(user);
        await using var transaction = await db.Database.BeginTransactionAsync();
        var reset = await users.ResetPasswordAsync(user, token, password);
        if (!reset.Succeeded)
        {
            return Result<string>.Fail(Validation.Describe(reset));
        }

        user.MustChangePassword = true;
        await users.UpdateAsync(user);
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        // Never the password: only that a one-time one replaced it.
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId),
            new AuditEntry("user.password_reset", AuditEntityTypes.User, user.Id, After: new { mustChangePassword = true }));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();

        logger.LogInformation("User {ActingUserId} reset the password of {UserId}.", actingUserId, userId);
        return Result<string>.Ok(password);
    }
}
