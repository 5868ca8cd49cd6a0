using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using FeedbackConsole.Core.Features.Ingestion;
using FeedbackConsole.Core.Options;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Web.Security;

/// <summary>
/// Per-key rate limiting of the API: a token bucket per API key (Ingestion:PermitsPerSecond refill,
/// Ingestion:Burst size). It runs after authorization, so it counts only authenticated calls and partitions
/// by the key that made them; a refused call gets 429 with <c>Retry-After</c> and problem details.
/// </summary>
internal static class ApiRateLimiting
{
    public const string PerKeyPolicy = "PerApiKey";

    public static IServiceCollection AddApiRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>()
            .Configure<IOptionsMonitor<IngestionOptions>>((limiter, ingestion) =>
            {
                limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                limiter.AddPolicy(PerKeyPolicy, context =>
                {
                    var keyId = context.User.FindFirstValue(ApiClaims.KeyId);
                    if (keyId is null)
                    {
                        // Unreachable behind the API policies; without a key there is nothing to count against.
                        return RateLimitPartition.GetNoLimiter("no-key");
                    }

                    var options = ingestion.CurrentValue;
                    return RateLimitPartition.GetTokenBucketLimiter(keyId, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = options.Burst,
                        TokensPerPeriod = options.PermitsPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    });
                });
                limiter.OnRejected = RejectAsync;
            });
        return services;
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await TypedResults.Problem(
                detail: $"This API key has sent too many requests. Retry after {seconds} second(s), with the same ids.",
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too Many Requests",
                type: ProblemTypes.TooManyRequests)
            .ExecuteAsync(context.HttpContext);
    }
}
