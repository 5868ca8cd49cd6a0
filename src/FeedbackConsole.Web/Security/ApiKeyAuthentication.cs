using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Encodings.Web;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Ingestion;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Web.Security;

/// <summary>Claims of an authenticated API caller.</summary>
internal static class ApiClaims
{
    public const string Scheme = "ApiKey";

    /// <summary>The default authenticate scheme: <see cref="Scheme"/> for API endpoints, the Identity cookie for everything else.</summary>
    public const string ByEndpointScheme = "ApiKeyOrCookie";

    public const string ApplicationId = "fc:app_id";
    public const string KeyId = "fc:key_id";
    public const string KeyKind = "fc:key_kind";

    public static Guid ApplicationIdOf(ClaimsPrincipal user) =>
        user is ApiCallerPrincipal caller ? caller.Caller.ApplicationId : Guid.Parse(user.FindFirstValue(ApplicationId)!);

    public static Guid KeyIdOf(ClaimsPrincipal user) =>
        user is ApiCallerPrincipal caller ? caller.Caller.KeyId : Guid.Parse(user.FindFirstValue(KeyId)!);

    /// <summary>
    /// Which handler authenticates a request by default. An endpoint under an API policy authenticates by key alone (the
    /// policy names the ApiKey scheme and replaces the user with its result), so running the cookie handler first was
    /// wasted work on every API call. Pages, the circuit and unknown paths keep the cookie, exactly as before.
    /// </summary>
    public static string SchemeFor(HttpContext context)
    {
        if (context.GetEndpoint() is { } endpoint)
        {
            foreach (var authorize in endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>())
            {
                if (authorize.Policy is Policies.ApiServer or Policies.ApiSignals)
                {
                    return Scheme;
                }
            }
        }

        return IdentityConstants.ApplicationScheme;
    }
}

/// <summary>
/// The user of requests made with one API key, built once per <see cref="ApiCaller"/> (that is, once per key per
/// <see cref="ApiKeyLookup.CacheLifetime"/>) and shared by those requests, so none builds claims or parses them back.
/// Nothing in the app changes a principal after authentication; do not start.
/// </summary>
internal sealed class ApiCallerPrincipal : ClaimsPrincipal
{
    private static readonly ConditionalWeakTable<ApiCaller, ApiCallerPrincipal> Built = new();

    private ApiCallerPrincipal(ApiCaller caller)
        : base(new ClaimsIdentity(
            [
                new Claim(ApiClaims.ApplicationId, caller.ApplicationId.ToString()),
                new Claim(ApiClaims.KeyId, caller.KeyId.ToString()),
                new Claim(ApiClaims.KeyKind, caller.Kind.ToString()),
            ],
            ApiClaims.Scheme))
    {
        Caller = caller;
    }

    public ApiCaller Caller { get; }

    public static ApiCallerPrincipal Of(ApiCaller caller) => Built.GetValue(caller, static c => new ApiCallerPrincipal(c));
}

/// <summary>
/// <c>Authorization: Bearer fc_live_…|fc_pub_…</c> for the <c>/api/v1</c> surface. A publishable key is only
/// accepted from an <c>Origin</c> listed for it. Failures answer RFC 7807 problem details, never a redirect.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyLookup keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string FailureItem = "fc:api_auth_failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Fail("The Authorization header must be 'Bearer <api key>'.");
        }

        var key = header["Bearer ".Length..].Trim();
        if (!ApiKeyFormat.TryParse(key, out _))
        {
            return Fail("That is not a FeedbackConsole API key (fc_live_… or fc_pub_…).");
        }

        var caller = await keys.FindAsync(key, Context.RequestAborted);
        if (caller is null)
        {
            return Fail("The API key is unknown or has been revoked, or its application is archived.");
        }

        if (caller.Kind == ApiKeyKind.Publishable)
        {
            string? origin = Request.Headers.Origin;
            if (string.IsNullOrEmpty(origin) || !caller.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
            {
                return Fail("This publishable key may only be used from the origins listed for it.");
            }
        }

        await keys.TouchAsync(caller.KeyId, Context.RequestAborted);
        return AuthenticateResult.Success(new AuthenticationTicket(ApiCallerPrincipal.Of(caller), ApiClaims.Scheme));
    }

    private AuthenticateResult Fail(string reason)
    {
        Context.Items[FailureItem] = reason;
        return AuthenticateResult.Fail(reason);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var detail = Context.Items[FailureItem] as string ?? "Send the application's API key as 'Authorization: Bearer <api key>'.";
        return Problem(StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problem(StatusCodes.Status403Forbidden, "Forbidden", "This API key may not use this endpoint (publishable keys may only send signals).");

    private Task Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title).ExecuteAsync(Context);
}
