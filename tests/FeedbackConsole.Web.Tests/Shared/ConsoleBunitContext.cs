using System.Security.Claims;
using Bunit;
using FeedbackConsole.Core;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Tests.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace FeedbackConsole.Web.Tests.Shared;

/// <summary>
/// The one bunit context for console components: loose JS interop, MudBlazor without transitions, and the
/// app's real authorization policies evaluated against a signed-in test person.
/// </summary>
public sealed class ConsoleBunitContext : BunitContext
{
    public ConsoleBunitContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
            options.PopoverOptions.CheckForPopoverProvider = false;
        });
        Services.AddAuthorizationBuilder().AddConsolePolicies();
        // bunit registers a placeholder authorization service; use the real one so the real policies decide.
        Services.AddTransient<IAuthorizationService, DefaultAuthorizationService>();
        Services.AddCascadingAuthenticationState();
    }

    /// <summary>
    /// Registers Core's real services over a new throwaway SQLite database, which the caller disposes. Not yet
    /// migrated: register overrides and sign in first, then call <c>Services.InitializeFeedbackConsoleAsync</c>.
    /// </summary>
    public async Task<TestDatabase> AddCoreOnNewSqliteAsync()
    {
        var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(database.Settings).Build();
        Services.AddLogging();
        Services.AddFeedbackConsoleCore(configuration, Path.GetTempPath());
        return database;
    }

    /// <summary>Makes the components see a signed-in person with these roles (none: a person without a role).</summary>
    public ClaimsPrincipal SignInAs(string displayName, params string[] roles)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString()),
            new(ClaimTypes.Name, displayName.Replace(' ', '.') + "@example.test"),
            new(Core.Features.Accounts.ConsoleClaims.DisplayName, displayName),
        };
        claims.AddRange(roles.Where(Roles.IsKnown).Select(r => new Claim(ClaimTypes.Role, r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
        Services.AddSingleton<AuthenticationStateProvider>(new FixedAuthenticationState(principal));
        return principal;
    }

    private sealed class FixedAuthenticationState(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}
