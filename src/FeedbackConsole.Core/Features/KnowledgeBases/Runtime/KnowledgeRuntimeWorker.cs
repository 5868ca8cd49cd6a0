using FeedbackConsole.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.KnowledgeBases.Runtime;

/// <summary>
/// The run-time API's background work: at start-up, builds the index of every Live release (so the first request
/// does not wait for a build); then adds the served-entry counters to the database every
/// <see cref="KnowledgeRuntimeOptions.ServingFlushInterval"/>, and once more at shutdown.
/// </summary>
public sealed class KnowledgeRuntimeWorker(
    ReleaseIndexCache cache,
    ServingTallies tallies,
    IDbContextFactory<FeedbackDbContext> contexts,
    TimeProvider time,
    IOptions<KnowledgeRuntimeOptions> options,
    ILogger<KnowledgeRuntimeWorker> logger) : BackgroundService
{
    /// <summary>
    /// A periodic flush pauses three times each slice's duration between slices, so it takes at most about a quarter of
    /// a core. Written all at once, the ~19,000 rows of five seconds at 8k searches/s (knowledge-api bench) were one
    /// transaction of 135–380 ms: a core taken from the requests, and on SQLite the single writer's lock held from
    /// ingestion for as long. In slices of <see cref="ServingTallies.RowsPerSlice"/> rows each holds it a few milliseconds.
    /// </summary>
    public const double FlushPauseRatio = 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.WarmOnStart)
        {
            try
            {
                await WarmAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not warm the live release indexes; they are built on first use instead.");
            }
        }

        using var timer = new PeriodicTimer(options.Value.ServingFlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(FlushPauseRatio, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync flushes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(0, cancellationToken); // shutting down: as fast as it can
    }

    private async Task FlushAsync(double pauseRatio, CancellationToken cancellationToken)
    {
        try
        {
            await tallies.FlushAsync(cancellationToken, pauseRatio);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The counts stay in memory and are written with the next flush.
            logger.LogWarning(e, "Could not write the served-entry counts; they are kept for the next flush.");
        }
    }

    private async Task WarmAsync(CancellationToken cancellationToken)
    {
        List<(Guid ApplicationId, string Key)> live;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            live = (await db.KnowledgeBases.AsNoTracking()
                    .Where(k => k.LiveReleaseId != null && k.ArchivedAt == null)
                    .Select(k => new { k.ApplicationId, k.Key })
                    .ToListAsync(cancellationToken))
                .Select(k => (k.ApplicationId, k.Key))
                .ToList();
        }

        // One at a time: a build takes a core for a second or two at 100k entries, and the host is serving meanwhile.
        foreach (var (applicationId, key) in live)
        {
            if (await cache.FindAsync(applicationId, key, cancellationToken) is { Live: { } release } knowledgeBase)
            {
                await cache.GetEngineAsync(knowledgeBase, release, cancellationToken);
            }
        }
    }
}
