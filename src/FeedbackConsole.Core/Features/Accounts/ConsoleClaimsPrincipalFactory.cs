using System.Security.Claims;
using FeedbackConsole.Core.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.Accounts;

/// <summary>Claims the console adds to a signed-in person's cookie besides Identity's own.</summary>
public static class ConsoleClaims
{
    public const string DisplayName = "fc:display_name";
}

/// <summary>Identity's principal (id, name, roles, security stamp) plus the display name for the app bar.</summary>
public sealed class ConsoleClaimsPrincipalFactory(
    UserManager<ApplicationUser> userManager,
    RoleManager<IdentityRole> roleManager,
    IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ApplicationUser, IdentityRole>(userManager, roleManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (!string.IsNullOrWhiteSpace(user.DisplayName))
        {
            identity.AddClaim(new Claim(ConsoleClaims.DisplayName, user.DisplayName));
        }

        return identity;
    }
}
