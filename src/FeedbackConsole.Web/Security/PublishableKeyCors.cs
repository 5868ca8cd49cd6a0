using FeedbackConsole.Core.Features.Ingestion;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Web.Security;

/// <summary>
/// CORS for browsers that send signals with a publishable key. Only <c>/api/v1/signals</c> names this policy.
/// A preflight carries no key, so it is answered for the origins of every active publishable key; which
/// origin may use which key is enforced when the real request authenticates (ApiKeyAuthenticationHandler).
/// </summary>
internal static class PublishableKeyCors
{
    public const string Policy = "PublishableKeySignals";

    public static IServiceCollection AddPublishableKeyCors(this IServiceCollection services)
    {
        services.AddCors();
        // Registered after AddCors' default provider, so this one is resolved; other policy names fall through to it.
        services.AddSingleton<ICorsPolicyProvider, PublishableKeyCorsPolicyProvider>();
        return services;
    }
}

internal sealed class PublishableKeyCorsPolicyProvider(PublishableOrigins origins, IOptions<CorsOptions> options) : ICorsPolicyProvider
{
    private readonly DefaultCorsPolicyProvider _configured = new(options);
    private volatile Cached? _last;

    public async Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        if (policyName != PublishableKeyCors.Policy)
        {
            return await _configured.GetPolicyAsync(context, policyName);
        }

        var allowed = await origins.GetAsync(context.RequestAborted);
        if (_last is { } cached && ReferenceEquals(cached.Origins, allowed))
        {
            return cached.Policy;
        }

        var policy = new CorsPolicyBuilder()
            .SetIsOriginAllowed(allowed.Contains)
            .WithMethods(HttpMethods.Post)
            .WithHeaders("Authorization", "Content-Type")
            .WithExposedHeaders("Retry-After")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))
            .Build();
        _last = new Cached(allowed, policy);
        return policy;
    }

    private sealed record Cached(IReadOnlySet<string> Origins, CorsPolicy Policy);
}
