using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace FeedbackConsole.Client;

public static class ClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="FeedbackConsoleClient"/> with Microsoft.Extensions.Http.Resilience: retries with
    /// exponential backoff and jitter on transient failures, honouring Retry-After. Ingestion is idempotent
    /// on the ids in the body, so POSTs are retried too.
    /// </summary>
    public static IHttpClientBuilder AddFeedbackConsoleClient(this IServiceCollection services, Action<FeedbackConsoleClientOptions> configure)
    {
        services.AddOptions<FeedbackConsoleClientOptions>().Configure(configure)
            .Validate(o => Validator.TryValidateObject(o, new ValidationContext(o), null, validateAllProperties: true),
                "FeedbackConsole client options are invalid: BaseAddress and ApiKey are required, MaxBatchSize is 1..500.")
            .ValidateOnStart();
        services.AddTransient(sp => sp.GetRequiredService<IOptions<FeedbackConsoleClientOptions>>().Value);
        var builder = services.AddHttpClient<FeedbackConsoleClient>((sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<FeedbackConsoleClientOptions>>().Value;
            http.BaseAddress = options.BaseAddress;
            // Timeouts are the resilience pipeline's job (per attempt and in total).
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        builder.AddResilienceHandler("feedbackconsole", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<FeedbackConsoleClientOptions>>().Value;
            pipeline.AddTimeout(options.TotalTimeout);
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
            });
            pipeline.AddTimeout(options.AttemptTimeout);
        });
        return builder;
    }
}
