using FeedbackConsole.Core.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace FeedbackConsole.Web.Endpoints;

/// <summary>Form posts the static account pages need besides the pages themselves.</summary>
internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/Account").ExcludeFromDescription();

        // Signing out is harmless for anyone; the form's antiforgery token is still checked.
        account.MapPost("/Logout", LogoutAsync).AllowAnonymous();
        return app;
    }

    private static async Task<RedirectHttpResult> LogoutAsync(
        [FromServices] SignInManager<ApplicationUser> signInManager,
        [FromForm] string? returnUrl)
    {
        await signInManager.SignOutAsync();
        return TypedResults.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "~/Account/Login");
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);
}
