using FeedbackConsole.Core;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Options;
using FeedbackConsole.Web.Components;
using FeedbackConsole.Web.Components.Account;
using FeedbackConsole.Web.Components.Shared;
using FeedbackConsole.Web.Endpoints;
using FeedbackConsole.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace FeedbackConsole.Web;

/// <summary>The host's wiring: one Add… and one Map… so that Program.cs stays a page long.</summary>
internal static class ConsoleWebExtensions
{
    /// <summary>The folder the authored browser assets (wwwroot-assets) are copied to and served from.</summary>
    public static string AssetsDirectory => Path.Combine(AppContext.BaseDirectory, "wwwroot-assets");

    public static WebApplicationBuilder AddFeedbackConsoleWeb(this WebApplicationBuilder builder)
    {
        // Serve the framework's and MudBlazor's _content assets from build output in every environment,
        // so the README's run command works outside Development too. A published app does not need it.
        builder.WebHost.UseStaticWebAssets();
        // Serve exactly the assets in the manifest, as a published app does: no development catch-all
        // ({**path:file}) that would answer every unknown GET and turn other verbs into 405s.
        builder.Configuration["DisableStaticAssetNotFoundRuntimeFallback"] = "true";

        var services = builder.Services;
        services.AddFeedbackConsoleCore(builder.Configuration, builder.Environment.ContentRootPath);

        services.AddRazorComponents().AddInteractiveServerComponents();
        // Messages appear bottom right, away from the page header's action buttons.
        services.AddMudServices(o => o.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);
        services.AddProblemDetails();

        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<BrowserTimeZone>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                // Only who a request is: sign-in, sign-out, challenge and forbid keep their schemes.
                options.DefaultAuthenticateScheme = ApiClaims.ByEndpointScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiClaims.Scheme, null)
            .AddPolicyScheme(ApiClaims.ByEndpointScheme, null, options => options.ForwardDefaultSelector = ApiClaims.SchemeFor)
            .AddCookie(AccountConstants.PasswordChangeScheme, options =>
            {
                options.Cookie.Name = "FC.PasswordChange";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.ExpireTimeSpan = TimeSpan.FromMinutes(10);
                options.LoginPath = "/Account/Login";
            });
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IOptions<SecurityOptions>>((cookie, security) =>
            {
                cookie.Cookie.Name = "FC.Session";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.ExpireTimeSpan = security.Value.SessionLifetime;
                cookie.SlidingExpiration = true;
                cookie.LoginPath = "/Account/Login";
                cookie.AccessDeniedPath = "/Account/AccessDenied";
                cookie.Events.OnRedirectToLogin = ApiAwareRedirect(StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = ApiAwareRedirect(StatusCodes.Status403Forbidden);
            });
        services.AddOptions<SecurityStampValidatorOptions>()
            .Configure<IOptions<SecurityOptions>>((stamp, security) => stamp.ValidationInterval = security.Value.RevalidationInterval);

        services.AddAuthorizationBuilder().AddConsolePolicies();
        services.AddApiRateLimiting();
        services.AddPublishableKeyCors();
        services.AddApiDocumentation();
        services.AddHostedService<Demo.DemoSeeder>();

        return builder;
    }

    /// <summary>The console's policies (shared with component tests so they evaluate the real rules).</summary>
    public static AuthorizationBuilder AddConsolePolicies(this AuthorizationBuilder authorization) =>
        authorization
            .AddPolicy(Policies.Admin, p => p.RequireRole(Policies.RolesFor[Policies.Admin]))
            .AddPolicy(Policies.Lead, p => p.RequireRole(Policies.RolesFor[Policies.Lead]))
            .AddPolicy(Policies.Reviewer, p => p.RequireRole(Policies.RolesFor[Policies.Reviewer]))
            .AddPolicy(Policies.SignedIn, p => p.RequireAuthenticatedUser())
            .AddPolicy(Policies.ApiServer, p => p.AddAuthenticationSchemes(ApiClaims.Scheme).RequireAuthenticatedUser()
                .RequireClaim(ApiClaims.KeyKind, nameof(ApiKeyKind.Server)))
            .AddPolicy(Policies.ApiSignals, p => p.AddAuthenticationSchemes(ApiClaims.Scheme).RequireAuthenticatedUser()
                .RequireClaim(ApiClaims.KeyKind, nameof(ApiKeyKind.Server), nameof(ApiKeyKind.Publishable)))
            // Deny by default: anything that forgets to declare a policy needs at least a signed-in user.
            // (The authorization matrix test still fails for any page or endpoint without a declaration.)
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

    public static WebApplication MapFeedbackConsole(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }

        // Friendly HTML status pages for people; API clients keep their problem details.
        app.UseWhen(
            context => !IsMachineEndpoint(context.Request.Path),
            branch => branch.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        // Machine callers get problem details for errors that have no body of their own (404, 405, …).
        app.UseWhen(context => IsMachineEndpoint(context.Request.Path), branch => branch.UseStatusCodePages());

        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(AssetsDirectory),
            RequestPath = "/assets",
        });
        // Explicit order: the public assets above are served before authentication and the deny-by-default
        // fallback policy apply.
        // CORS before authentication: a preflight carries no key and is answered here (signals only).
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        // After authorization, so that the limiter partitions by the API key that authenticated.
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().Add(AllowAnonymousFrameworkEndpoints);
        app.MapAccountEndpoints();
        app.MapHealthEndpoints();
        app.MapIngestionEndpoints();
        app.MapKnowledgeEndpoints();
        app.MapNotificationEndpoints();
        app.MapApiDocumentation();
        return app;
    }

    /// <summary>
    /// Blazor's own plumbing next to the pages (e.g. <c>_framework/opaque-redirect</c>) is public like the
    /// scripts it belongs to. Pages keep their own [Authorize]; the circuit hub stays behind the fallback policy.
    /// </summary>
    private static void AllowAnonymousFrameworkEndpoints(EndpointBuilder endpoint)
    {
        if (endpoint is RouteEndpointBuilder route
            && route.Metadata.OfType<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>().Any() == false
            && (route.RoutePattern.RawText?.TrimStart('/').StartsWith("_framework/", StringComparison.Ordinal) == true
                || route.RoutePattern.RawText == "{**path:file}"))
        {
            route.Metadata.Add(new AllowAnonymousAttribute());
        }
    }

    private static bool IsMachineEndpoint(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi");

    /// <summary>Browsers are sent to the sign-in page; API and health callers get a bare status code.</summary>
    private static Func<Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions>, Task> ApiAwareRedirect(int status) =>
        context =>
        {
            if (IsMachineEndpoint(context.Request.Path))
            {
                context.Response.StatusCode = status;
            }
            else
            {
                context.Response.Redirect(context.RedirectUri);
            }

            return Task.CompletedTask;
        };
}
