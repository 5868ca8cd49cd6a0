using System.Net;
using System.Security.Claims;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using FeedbackConsole.Web.Security;
using FeedbackConsole.Web.Tests.Shared;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Web.Tests.Security;

/// <summary>
/// Discovers every routable page and endpoint from the running app (not from a hand-kept list) and checks
/// that each declares its authorization, and that anonymous visitors and each role get exactly what the
/// declared policy says. A page added later without a policy fails here.
/// </summary>
public sealed class AuthorizationMatrixTests : IAsyncLifetime
{
    private const string Password = "matrix password long enough";
    private static readonly string[] Personas = ["anonymous", Roles.Admin, Roles.Lead, Roles.Reviewer, "no-role"];

    private TestDatabase _database = default!;
    private ConsoleAppFactory _app = default!;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        _app = new ConsoleAppFactory(_database);
        await _app.CreateUserAsync("lead@example.test", Password, Roles.Lead);
        await _app.CreateUserAsync("reviewer@example.test", Password, Roles.Reviewer);
        await _app.CreateUserAsync("norole@example.test", Password);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private List<RouteEndpoint> Endpoints() =>
        _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    private static bool IsStaticAsset(RouteEndpoint e) =>
        e.Metadata.Any(m => m.GetType().Name == "StaticAssetDescriptor");

    private static bool IsCircuitHub(RouteEndpoint e) =>
        e.RoutePattern.RawText?.StartsWith("_blazor", StringComparison.Ordinal) == true
        || e.RoutePattern.RawText?.StartsWith("/_blazor", StringComparison.Ordinal) == true;

    private static bool IsPage(RouteEndpoint e) => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null;

    [Fact]
    public void EveryPageAndEndpoint_DeclaresItsAuthorization()
    {
        var endpoints = Endpoints();
        Assert.Contains(endpoints, IsPage);

        var undeclared = endpoints
            .Where(e => !IsCircuitHub(e))
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any())
            .Select(e => $"{string.Join(",", e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])} /{e.RoutePattern.RawText?.TrimStart('/')} ({e.DisplayName})")
            .ToList();

        Assert.True(undeclared.Count == 0, "Declare [Authorize(Policy = ...)] or [AllowAnonymous] on:\n" + string.Join("\n", undeclared));
    }

    [Fact]
    public async Task CircuitHub_Anonymous_IsRefusedByTheFallbackPolicy()
    {
        using var client = BrowserlessSignIn.AnonymousClient(_app);

        using var response = await client.PostAsync(new Uri("/_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null, TestContext.Current.CancellationToken);

        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Unauthorized,
            $"Anonymous circuits must be refused, got {(int)response.StatusCode}.");
    }

    // The API reference page (/api/docs) is documentation, public on purpose; everything else under /api is the API.
    private static bool IsApi(RouteEndpoint e) =>
        e.RoutePattern.RawText?.TrimStart('/') is { } route
        && route.StartsWith("api/", StringComparison.Ordinal)
        && !route.StartsWith("api/docs", StringComparison.Ordinal);

    [Fact]
    public async Task EveryApiEndpoint_Anonymous_Gets401ProblemDetails()
    {
        // API endpoints answer to application keys only: each names an API policy (never AllowAnonymous), and a
        // call without a key is a 401 with problem details, never a redirect to the sign-in page.
        using var client = BrowserlessSignIn.AnonymousClient(_app);
        await AssertEveryApiEndpointRefusesAsync(client);
    }

    [Fact]
    public async Task EveryApiEndpoint_SignedInAdminWithoutAKey_Gets401ProblemDetails()
    {
        // A console session is no API key: API endpoints do not even read the cookie.
        using var client = await BrowserlessSignIn.SignedInClientAsync(_app, ConsoleAppFactory.AdminEmail, ConsoleAppFactory.AdminPassword);
        await AssertEveryApiEndpointRefusesAsync(client);
    }

    [Fact]
    public async Task DefaultAuthentication_ApiEndpointsByKey_EverythingElseByTheSessionCookie()
    {
        var schemes = _app.Services.GetRequiredService<IAuthenticationSchemeProvider>();
        Assert.Equal(ApiClaims.ByEndpointScheme, (await schemes.GetDefaultAuthenticateSchemeAsync())?.Name);
        Assert.Equal(IdentityConstants.ApplicationScheme, (await schemes.GetDefaultChallengeSchemeAsync())?.Name);
        Assert.Equal(IdentityConstants.ApplicationScheme, (await schemes.GetDefaultForbidSchemeAsync())?.Name);
        Assert.Equal(IdentityConstants.ExternalScheme, (await schemes.GetDefaultSignInSchemeAsync())?.Name);
        Assert.Equal(IdentityConstants.ExternalScheme, (await schemes.GetDefaultSignOutSchemeAsync())?.Name);

        var wrong = Endpoints()
            .Select(e => (Endpoint: e, Scheme: SchemeFor(e)))
            .Where(x => x.Scheme != (IsApi(x.Endpoint) ? ApiClaims.Scheme : IdentityConstants.ApplicationScheme))
            .Select(x => $"/{x.Endpoint.RoutePattern.RawText?.TrimStart('/')} ({x.Endpoint.DisplayName}): {x.Scheme}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        // A path no endpoint matches (an unknown /api path too) keeps the cookie, as before.
        Assert.Equal(IdentityConstants.ApplicationScheme, SchemeFor(null));
    }

    private static string SchemeFor(RouteEndpoint? endpoint)
    {
        var context = new DefaultHttpContext();
        context.SetEndpoint(endpoint);
        return ApiClaims.SchemeFor(context);
    }

    private async Task AssertEveryApiEndpointRefusesAsync(HttpClient client)
    {
        var api = Endpoints().Where(IsApi).ToList();
        Assert.NotEmpty(api);
        var failures = new List<string>();

        foreach (var endpoint in api)
        {
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            var path = "/" + SamplePath(endpoint.RoutePattern);
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null || !policies.Any(p => p is Policies.ApiServer or Policies.ApiSignals))
            {
                failures.Add($"{path} must declare {Policies.ApiServer} or {Policies.ApiSignals}, not [{string.Join(", ", policies)}]");
            }

            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
                if (method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                }

                using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
                var contentType = response.Content.Headers.ContentType?.MediaType;
                if (response.StatusCode != HttpStatusCode.Unauthorized || contentType != "application/problem+json")
                {
                    failures.Add($"{method} {path}: expected 401 application/problem+json, got {(int)response.StatusCode} {contentType}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task EveryPage_EachPersona_GetsWhatItsPolicySays()
    {
        var pages = Endpoints().Where(e => IsPage(e) && !IsStaticAsset(e)).ToList();
        var authorization = _app.Services.GetRequiredService<IAuthorizationService>();
        var policies = _app.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        var failures = new List<string>();
        var checkedCount = 0;

        foreach (var persona in Personas)
        {
            using var client = persona switch
            {
                "anonymous" => BrowserlessSignIn.AnonymousClient(_app),
                Roles.Admin => await BrowserlessSignIn.SignedInClientAsync(_app, ConsoleAppFactory.AdminEmail, ConsoleAppFactory.AdminPassword),
                Roles.Lead => await BrowserlessSignIn.SignedInClientAsync(_app, "lead@example.test", Password),
                Roles.Reviewer => await BrowserlessSignIn.SignedInClientAsync(_app, "reviewer@example.test", Password),
                _ => await BrowserlessSignIn.SignedInClientAsync(_app, "norole@example.test", Password),
            };
            var principal = PrincipalFor(persona);

            foreach (var page in pages)
            {
                var path = "/" + SamplePath(page.RoutePattern);
                var allowed = await IsAllowedAsync(page, principal, authorization, policies);
                using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
                var location = response.Headers.Location?.OriginalString ?? "";
                var challenged = response.StatusCode == HttpStatusCode.Redirect && location.Contains("/Account/Login?ReturnUrl=", StringComparison.Ordinal);
                var forbidden = response.StatusCode == HttpStatusCode.Redirect && location.Contains("/Account/AccessDenied", StringComparison.Ordinal);
                var refused = challenged || forbidden || response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
                checkedCount++;

                if (allowed && refused)
                {
                    failures.Add($"{persona} should open {path} but got {(int)response.StatusCode} {location}");
                }
                else if (!allowed && !refused)
                {
                    failures.Add($"{persona} must not open {path} but got {(int)response.StatusCode}");
                }
                else if (!allowed && principal.Identity?.IsAuthenticated == true && !forbidden)
                {
                    failures.Add($"{persona} is signed in: {path} should send them to Access denied, got {(int)response.StatusCode} {location}");
                }
                else if (allowed && response.StatusCode >= HttpStatusCode.InternalServerError)
                {
                    failures.Add($"{persona} opening {path} got a server error {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(Personas.Length * pages.Count, checkedCount);
    }

    [Theory]
    [InlineData("/admin/users", "anonymous", false)]
    [InlineData("/admin/users", Roles.Reviewer, false)]
    [InlineData("/admin/users", Roles.Lead, false)]
    [InlineData("/admin/users", Roles.Admin, true)]
    [InlineData("/admin/applications", Roles.Lead, false)]
    [InlineData("/admin/applications", Roles.Admin, true)]
    [InlineData("/admin/applications/{Id:guid}", Roles.Reviewer, false)]
    [InlineData("/admin/applications/{Id:guid}", Roles.Admin, true)]
    [InlineData("/triage", Roles.Reviewer, true)]
    [InlineData("/triage", "no-role", false)]
    [InlineData("/cases/{Id:long}", Roles.Reviewer, true)]
    [InlineData("/cases/{Id:long}", "no-role", false)]
    [InlineData("/admin/taxonomy", Roles.Lead, false)]
    [InlineData("/admin/taxonomy", Roles.Admin, true)]
    [InlineData("/admin/audit", Roles.Lead, false)]
    [InlineData("/admin/audit", Roles.Admin, true)]
    [InlineData("/clusters", Roles.Reviewer, true)]
    [InlineData("/clusters", "no-role", false)]
    [InlineData("/knowledge-bases", Roles.Reviewer, true)]
    [InlineData("/knowledge-bases", "no-role", false)]
    [InlineData("/knowledge-bases/{KbId:guid}", Roles.Reviewer, true)]
    [InlineData("/knowledge-bases/{KbId:guid}/entries/{EntryId:guid}", Roles.Reviewer, true)]
    [InlineData("/approvals", Roles.Reviewer, true)]
    [InlineData("/approvals", "no-role", false)]
    [InlineData("/revisions/{RevisionId:guid}", Roles.Reviewer, true)]
    [InlineData("/revisions/{RevisionId:guid}", "no-role", false)]
    [InlineData("/cases/{CaseId:long}/propose", Roles.Reviewer, true)]
    [InlineData("/cases/{CaseId:long}/propose", "no-role", false)]
    [InlineData("/knowledge-bases/{KbId:guid}/eval", Roles.Reviewer, true)]
    [InlineData("/knowledge-bases/{KbId:guid}/eval", "no-role", false)]
    [InlineData("/knowledge-bases/{KbId:guid}/releases", Roles.Reviewer, true)]
    [InlineData("/knowledge-bases/{KbId:guid}/releases", "no-role", false)]
    [InlineData("/releases/{ReleaseId:guid}", Roles.Reviewer, true)]
    [InlineData("/releases/{ReleaseId:guid}", "anonymous", false)]
    [InlineData("/impact", Roles.Lead, true)]
    [InlineData("/impact", Roles.Reviewer, true)]
    [InlineData("/impact", "no-role", false)]
    [InlineData("/impact/corrections/{RevisionId:guid}", Roles.Reviewer, true)]
    [InlineData("/impact/corrections/{RevisionId:guid}", "anonymous", false)]
    [InlineData("/", "no-role", true)]
    [InlineData("/", "anonymous", false)]
    [InlineData("/Account/Login", "anonymous", true)]
    [InlineData("/admin/notifications", Roles.Lead, false)]
    [InlineData("/admin/notifications", Roles.Admin, true)]
    [InlineData("/admin/notifications/channels", Roles.Lead, false)]
    [InlineData("/admin/notifications/channels", Roles.Admin, true)]
    [InlineData("/admin/notifications/templates", Roles.Reviewer, false)]
    [InlineData("/admin/notifications/templates", Roles.Admin, true)]
    public async Task KnownPages_PolicyEvaluation_MatchesTheProductRules(string path, string persona, bool expected)
    {
        // Pins the intended rules, so that the matrix above cannot pass by a page declaring the wrong policy.
        var page = Endpoints().Single(e => IsPage(e) && "/" + e.RoutePattern.RawText?.TrimStart('/') == path);
        var allowed = await IsAllowedAsync(page, PrincipalFor(persona),
            _app.Services.GetRequiredService<IAuthorizationService>(), _app.Services.GetRequiredService<IAuthorizationPolicyProvider>());

        Assert.Equal(expected, allowed);
    }

    private static ClaimsPrincipal PrincipalFor(string persona)
    {
        if (persona == "anonymous")
        {
            return new ClaimsPrincipal(new ClaimsIdentity());
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, persona) };
        if (Roles.IsKnown(persona))
        {
            claims.Add(new Claim(ClaimTypes.Role, persona));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
    }

    private static async Task<bool> IsAllowedAsync(RouteEndpoint endpoint, ClaimsPrincipal user, IAuthorizationService authorization, IAuthorizationPolicyProvider policies)
    {
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return true;
        }

        var policy = await AuthorizationPolicy.CombineAsync(policies, endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>())
                     ?? await policies.GetFallbackPolicyAsync()
                     ?? throw new InvalidOperationException("No policy and no fallback.");
        return (await authorization.AuthorizeAsync(user, policy)).Succeeded;
    }

    private static string SamplePath(RoutePattern pattern) =>
        string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content is "int" or "long") => "1",
            RoutePatternParameterPart => Guid.Empty.ToString(),
            _ => "",
        }))));
}
