using FeedbackConsole.Core.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.Impact;

/// <summary>Runs <see cref="ImpactRollup.RefreshAsync"/> every <see cref="ImpactOptions.RollupInterval"/>.</summary>
public sealed class ImpactRollupWorker(ImpactRollup rollup, IOptions<ImpactOptions> options, TimeProvider time, ILogger<ImpactRollupWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RollupInterval, time);
        try
        {
            do
            {
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
