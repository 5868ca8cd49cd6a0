using FeedbackConsole.Core.Domain;
using Microsoft.AspNetCore.Identity;

namespace FeedbackConsole.Core.Features.Admin.Users;

/// <summary>Keeps at least one enabled admin, so the console can always be administered.</summary>
public sealed class AdminGuard(UserManager<ApplicationUser> users)
{
    public async Task<bool> IsLastActiveAdminAsync(ApplicationUser user)
    {
        if (user.IsDisabled || !await users.IsInRoleAsync(user, Roles.Admin))
        {
            return false;
        }

        var admins = await users.GetUsersInRoleAsync(Roles.Admin);
        return admins.Count(a => !a.IsDisabled) <= 1;
    }
}
