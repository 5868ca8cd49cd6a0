using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Enrichment;
using FeedbackConsole.Core.Features.Impact;
using FeedbackConsole.Core.Options;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeedbackConsole.Core.Tests.Features.Impact;

/// <summary>The rollup worker's schedule: it leaves SQLite's writer to ingestion while ingestion is saturated.</summary>
public sealed class ImpactRollupWorkerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Worker_WaitsWhileIngestionIsSaturated_AndRefreshesOnceItIsNot()
    {
        await using var world = await ImpactWorld.StartAsync(TestDatabase.Sqlite);
        var turn = await world.TurnAsync(ImpactWorld.At(ImpactWorld.Monday));
        await world.SignalAsync(turn, SignalKind.Thumb, ImpactWorld.At(ImpactWorld.Monday), up: false);

        var trigger = world.Host.Services.GetRequiredService<EnrichmentTrigger>();
        var worker = new ImpactRollupWorker(
            world.Host.Services.GetRequiredService<ImpactRollup>(), trigger,
            Microsoft.Extensions.Options.Options.Create(new ImpactOptions { RollupInterval = TimeSpan.FromMilliseconds(50), SettleTime = TimeSpan.Zero }),
            TimeProvider.System, NullLogger<ImpactRollupWorker>.Instance);

        // Ingestion saturated from before the worker's first tick: each notice holds for EnrichmentTrigger.SaturationHold.
        trigger.Notify(saturated: true);
        using var saturating = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var keepSaturated = Task.Run(async () =>
        {
            while (!saturating.IsCancellationRequested)
            {
                trigger.Notify(saturated: true);
                await Task.Delay(50, CancellationToken.None);
            }
        }, CancellationToken.None);

        await worker.StartAsync(Ct);
        try
        {
            // About twenty ticks, all while saturated: nothing recomputed.
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
            Assert.True(trigger.IngestSaturated);
            Assert.Equal(0, await RollupRowsAsync(world));

            await saturating.CancelAsync();
            await keepSaturated;
            var until = DateTime.UtcNow.AddSeconds(15);
            while (await RollupRowsAsync(world) == 0 && DateTime.UtcNow < until)
            {
                await Task.Delay(50, Ct);
            }

            Assert.False(trigger.IngestSaturated);
            Assert.True(await RollupRowsAsync(world) > 0, "the first tick after the saturation ended should have recomputed Monday");
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<int> RollupRowsAsync(ImpactWorld world)
    {
        await using var db = await world.DbAsync();
        return await db.ImpactSignalDays.CountAsync(r => r.ApplicationId == world.App, Ct);
    }
}
