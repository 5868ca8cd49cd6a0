using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Releases.Gates;

/// <summary>
/// Runs queued gate runs one at a time in the background. On start-up, a run left Running by a process that died is
/// marked Errored (its release keeps its previous gate), so the release page never shows a run that will not finish.
/// </summary>
/// <remarks>
/// Runs are queued in memory by the instance where the Lead pressed "Run gate"; with several instances on PostgreSQL,
/// each runs its own. Start-up recovery marks every Running run Errored, so an instance starting while another is
/// mid-run would end that run too — acceptable for the single-writer deployments this ships for; say so in the README.
/// </remarks>
public sealed class GateRunWorker(
    IServiceScopeFactory scopes, IDbContextFactory<FeedbackDbContext> contexts, GateRunInbox queue, TimeProvider time, ILogger<GateRunWorker> logger)
    : BackgroundService
{
    public const string InterruptedMessage = "The console restarted while this gate run was in progress. Run the gate again.";

    /// <summary>Marks runs left Running as Errored; returns how many.</summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        return await db.GateRuns.Where(g => g.State == GateRunState.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.State, GateRunState.Errored)
                .SetProperty(g => g.Error, InterruptedMessage)
                .SetProperty(g => g.CompletedAt, now), cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var recovered = await RecoverAsync(stoppingToken);
            if (recovered > 0)
            {
                logger.LogWarning("Marked {Count} interrupted gate runs as errored.", recovered);
            }
        }
#pragma warning disable CA1031 // The database may not be ready yet (first start); the runs stay Running until the next start.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogWarning(e, "Could not recover interrupted gate runs.");
        }

        await foreach (var runId in queue.ReadAllAsync(stoppingToken))
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<GateRunner>().ExecuteAsync(runId, stoppingToken);
        }
    }
}
