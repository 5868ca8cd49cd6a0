using System.Text;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Enrichment;
using FeedbackConsole.Core.Features.Ingestion;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.Ingestion;

/// <summary>When the signal writer tells enrichment that ingestion is saturated, and when not.</summary>
public sealed class IngestSaturationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Batch(string prefix, int count) => Encoding.UTF8.GetBytes(
        "{\"signals\":[" + string.Join(",", Enumerable.Range(0, count).Select(i =>
            $"{{\"id\":\"{prefix}-{i}\",\"interactionId\":\"turn-{i % 50}\",\"kind\":\"thumb\",\"value\":\"down\",\"occurredAt\":\"2025-03-01T09:31:00+01:00\"}}")) + "]}");

    private static async Task<(CoreHost Host, Guid App)> StartAsync()
    {
        var host = await CoreHost.StartAsync(TestDatabase.Sqlite);
        var app = new Application { Id = Guid.NewGuid(), Name = "Saturation " + Guid.NewGuid().ToString("N")[..6], CreatedAt = DateTimeOffset.UtcNow };
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<FeedbackConsole.Core.Data.FeedbackDbContext>>().CreateDbContextAsync(Ct);
        db.Applications.Add(app);
        await db.SaveChangesAsync(Ct);
        return (host, app.Id);
    }

    [Fact]
    public async Task OneClientOneRequestAtATime_NeverLooksSaturated()
    {
        var (host, app) = await StartAsync();
        await using var _ = host;
        var ingest = host.Services.GetRequiredService<IngestSignals>();
        var trigger = host.Services.GetRequiredService<EnrichmentTrigger>();

        for (var i = 0; i < 5; i++)
        {
            var outcome = await ingest.HandleAsync(app, Batch($"seq{i}", 500), Ct);
            Assert.All(outcome.Response!.Results, r => Assert.Equal(ItemStatus.Accepted, r.Status));
            Assert.False(trigger.IngestSaturated, $"request {i}: one batch of 500 at a time is not saturation");
        }
    }

    [Fact]
    public async Task ManyRequestsAtOnce_QueueBehindOneCommit_AndLookSaturated()
    {
        var (host, app) = await StartAsync();
        await using var _ = host;
        var ingest = host.Services.GetRequiredService<IngestSignals>();
        var trigger = host.Services.GetRequiredService<EnrichmentTrigger>();
        var bodies = Enumerable.Range(0, 20).Select(i => Batch($"par{i}", 500)).ToList();

        // Another writer (enrichment, say) holds SQLite's write lock, so the first group's commit waits on it while
        // the other requests queue behind. Holding it until they have queued keeps the test independent of how fast
        // requests are parsed against how fast the writer commits.
        await using var blocker = new SqliteConnection(host.Database.ConnectionString);
        await blocker.OpenAsync(Ct);
        await using var writeLock = (SqliteTransaction)await blocker.BeginTransactionAsync(Ct); // BEGIN IMMEDIATE
        var all = Task.WhenAll(bodies.Select(body => Task.Run(() => ingest.HandleAsync(app, body, Ct), Ct)));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (ingest.QueuedRequests < EnrichmentTrigger.SaturatedRequests && !all.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5, Ct);
        }

        var queued = ingest.QueuedRequests;
        Assert.False(trigger.IngestSaturated, "nothing has been committed yet");
        await writeLock.RollbackAsync(Ct);
        var seen = false;
        while (!all.IsCompleted)
        {
            seen |= trigger.IngestSaturated; // held for 250 ms after a saturated commit, so a 5 ms poll cannot miss it
            await Task.Delay(5, Ct);
        }

        seen |= trigger.IngestSaturated;
        var outcomes = await all;

        Assert.True(queued >= EnrichmentTrigger.SaturatedRequests, $"only {queued} requests queued behind the held lock");
        Assert.All(outcomes.SelectMany(o => o.Response!.Results), r => Assert.Equal(ItemStatus.Accepted, r.Status));
        Assert.True(seen, "20 concurrent batches of 500 never counted as saturated");
    }
}
