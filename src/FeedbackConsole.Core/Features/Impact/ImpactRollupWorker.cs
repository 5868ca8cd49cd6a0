using FeedbackConsole.Core.Features.Enrichment;
using FeedbackConsole.Core.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.Impact;

/// <summary>
/// Runs <see cref="ImpactRollup.RefreshAsync"/> every <see cref="ImpactOptions.RollupInterval"/>, except while ingestion
/// is saturated (<see cref="EnrichmentTrigger.IngestSaturated"/>), for at most <see cref="MaxDeferral"/>: replacing a day's
/// rows holds SQLite's one writer for 20–100 ms, and at saturation every ingest request queues behind it. The dashboards
/// lag meanwhile, by the length of the burst.
/// </summary>
public sealed class ImpactRollupWorker(ImpactRollup rollup, EnrichmentTrigger ingest, IOptions<ImpactOptions> options, TimeProvider time, ILogger<ImpactRollupWorker> logger)
    : BackgroundService
{
    /// <summary>Longest a refresh waits for ingestion to stop being saturated.</summary>
    public static readonly TimeSpan MaxDeferral = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RollupInterval, time);
        DateTimeOffset? deferredSince = null;
        try
        {
            do
            {
                if (ingest.IngestSaturated && time.GetUtcNow() - (deferredSince ??= time.GetUtcNow()) < MaxDeferral)
                {
                    continue;
                }

                deferredSince = null;
                try
                {
                    var days = await rollup.RefreshAsync(stoppingToken);
                    if (days > 0)
                    {
                        logger.LogDebug("Impact rollups: {Days} days recomputed.", days);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // A failed pass (database busy, restarting) is retried at the next tick; its watermark did not move.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    logger.LogWarning(ex, "Refreshing the impact rollups failed; trying again later.");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}
