using FeedbackConsole.Core.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.Enrichment;

/// <summary>
/// Wakes the enrichment worker right after an ingest commits, instead of at the next poll; and tells it when ingestion
/// is saturated, so that it slows down.
/// </summary>
/// <remarks>
/// Acknowledging feedback comes first: "accepted" waits for a commit, enrichment only needs to catch up. On two cores
/// and one SQLite writer, enriching at full speed during a burst of single-signal requests cut what the API accepted
/// to a fifth (each interaction's enrichment is a transaction of its own, taken in turn with the ingest groups, and its
/// CPU is the requests' CPU). "Saturated" means the signal writer found <see cref="SaturatedRequests"/> or more
/// requests, or <see cref="SaturatedSignals"/> or more signals, waiting for one commit: clients are queueing. A single
/// client sending one request at a time, or a steady stream that the writer keeps up with in small groups, never looks
/// saturated, so enrichment keeps its full pace there.
/// </remarks>
public sealed class EnrichmentTrigger : IDisposable
{
    /// <summary>Requests waiting for one commit from which ingestion counts as saturated.</summary>
    public const int SaturatedRequests = 8;

    /// <summary>Signals stored by one commit from which ingestion counts as saturated: two full batches (API.md: 500 each) queued together.</summary>
    public const int SaturatedSignals = 1_000;

    /// <summary>How long one saturated commit keeps ingestion counted as saturated.</summary>
    public static readonly TimeSpan SaturationHold = TimeSpan.FromMilliseconds(250);

    private readonly SemaphoreSlim _signal = new(0, 1);
    private long _saturatedUntil = long.MinValue;

    /// <summary>True while ingestion has been queueing for commits within the last <see cref="SaturationHold"/>.</summary>
    public bool IngestSaturated => Environment.TickCount64 < Volatile.Read(ref _saturatedUntil);

    /// <summary>An ingest committed; <paramref name="saturated"/> when many requests were waiting for their commit.</summary>
    public void Notify(bool saturated = false)
    {
        if (saturated)
        {
            Volatile.Write(ref _saturatedUntil, Environment.TickCount64 + (long)SaturationHold.TotalMilliseconds);
        }

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
        // While ingestion is saturated, enrichment trickles: a pause before each interaction, one interaction per
        // transaction, so that it still advances but leaves the writer and the CPU to the requests.
        var pause = options.Value.SaturatedPause;
        Func<CancellationToken, ValueTask<bool>>? pace = pause <= TimeSpan.Zero
            ? null
            : async ct =>
            {
                if (!trigger.IngestSaturated)
                {
                    return false;
                }

                await Task.Delay(pause, ct);
                return true;
            };
        while (!stoppingToken.IsCancellationRequested)
        {
            var processed = 0;
            try
            {
                processed = await pipeline.RunOnceAsync(pace, stoppingToken);
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

            // A pass that found work goes on at once: more may be waiting. (A pass takes BatchSize signals, which are
            // usually fewer interactions, so comparing its interactions with BatchSize slept through most of a
            // backlog.) A pass that found nothing sleeps until an ingest commits (or the poll interval passes, for
            // other instances' ingests), then lets a moment's worth of commits gather so that a stream of small
            // requests is enriched in a few large passes rather than one per commit.
            if (processed == 0)
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
