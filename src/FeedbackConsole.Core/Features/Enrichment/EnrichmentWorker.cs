using FeedbackConsole.Core.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.Enrichment;

/// <summary>Wakes the enrichment worker right after an ingest commits, instead of at the next poll.</summary>
public sealed class EnrichmentTrigger : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already pending: one wake-up is enough.
            }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}

/// <summary>Runs the enrichment pipeline in the background until there is no work, then waits for a wake-up or the poll interval.</summary>
public sealed class EnrichmentWorker(EnrichmentPipeline pipeline, EnrichmentTrigger trigger, IOptions<EnrichmentOptions> options, ILogger<EnrichmentWorker> logger)
    : BackgroundService
{
    private static readonly TimeSpan WakeUpSettle = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var processed = 0;
            try
            {
                processed = await pipeline.RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Never let one bad pass stop enrichment for good; the work stays queued for the next pass.
                logger.LogError(ex, "An enrichment pass failed; retrying after the poll interval.");
            }

            // A full pass means more is waiting: go on at once. Otherwise sleep until an ingest commits (or the
            // poll interval passes, for other instances' ingests), then let a moment's worth of commits gather so
            // that a stream of small requests is enriched in a few large passes rather than one per commit.
            if (processed < options.Value.BatchSize)
            {
                try
                {
                    if (await trigger.WaitAsync(options.Value.PollInterval, stoppingToken))
                    {
                        await Task.Delay(WakeUpSettle, stoppingToken);
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
