using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage.Queue;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using static FeedbackConsole.Core.Tests.Features.Triage.Queue.QueueTestHost;

namespace FeedbackConsole.Core.Tests.Features.Triage.Queue;

public sealed class CaseStatusCountsTests
{
    /// <summary>What the kept counts must equal: a plain count over the cases.</summary>
    private static async Task<Dictionary<CaseStatus, int>> CountedAsync(QueueTestHost host, Guid? applicationId = null)
    {
        await using var db = await host.DbAsync();
        var cases = db.Cases.AsNoTracking();
        if (applicationId is { } app)
        {
            cases = cases.Where(c => c.ApplicationId == app);
        }

        return await cases.GroupBy(c => c.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, Ct);
    }

    private static async Task<Dictionary<CaseStatus, int>> KeptAsync(QueueTestHost host, Guid? applicationId = null)
    {
        await using var db = await host.DbAsync();
        return await CaseStatusCounts.ReadAsync(db, applicationId, Ct);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Counts_FollowInsertsStatusChangesAndDeletes_ByAnyWriter_AndSurviveFolding(string provider)
    {
        await using var host = await StartAsync(provider);
        var support = await host.AddApplicationAsync("Support bot");
        var sales = await host.AddApplicationAsync("Sales bot");
        var a = await host.AddCaseAsync(support);
        var b = await host.AddCaseAsync(support, c => c.Status = CaseStatus.Labeled);
        var c = await host.AddCaseAsync(sales);
        await host.AddCaseAsync(sales, c => c.Status = CaseStatus.Dismissed);

        Assert.Equal(new Dictionary<CaseStatus, int> { [CaseStatus.New] = 2, [CaseStatus.Labeled] = 1, [CaseStatus.Dismissed] = 1 }, await KeptAsync(host));
        Assert.Equal(await CountedAsync(host, support), await KeptAsync(host, support));

        await using (var db = await host.DbAsync())
        {
            // Through EF, and through plain SQL that no app code path knows about: the triggers see both.
            var first = await db.Cases.SingleAsync(x => x.Id == a, Ct);
            first.Status = CaseStatus.InReview;
            first.Priority = 9; // not a status change: no delta
            await db.SaveChangesAsync(Ct);
            await db.Database.ExecuteSqlAsync($"""UPDATE "Cases" SET "Status" = 'Released' WHERE "Id" = {b}""", Ct);
            await db.Database.ExecuteSqlAsync($"""UPDATE "Cases" SET "Priority" = 3 WHERE "Id" = {b}""", Ct);
            await db.Cases.Where(x => x.Id == c).ExecuteDeleteAsync(Ct);
        }

        var expected = new Dictionary<CaseStatus, int> { [CaseStatus.InReview] = 1, [CaseStatus.Released] = 1, [CaseStatus.Dismissed] = 1 };
        Assert.Equal(expected, await CountedAsync(host));
        Assert.Equal(expected, await KeptAsync(host));

        await using (var db = await host.DbAsync())
        {
            Assert.Equal(9, await db.CaseStatusDeltas.CountAsync(Ct)); // 4 inserts, 2 moves (−1, +1 each), 1 delete
            await CaseStatusCounts.FoldAsync(db, Ct);
            Assert.Equal(3, await db.CaseStatusDeltas.CountAsync(Ct)); // one row per application and status still in use
            await CaseStatusCounts.FoldAsync(db, Ct);
            Assert.Equal(3, await db.CaseStatusDeltas.CountAsync(Ct)); // folded rows fold to themselves
        }

        Assert.Equal(expected, await KeptAsync(host));
        Assert.Equal(await CountedAsync(host, sales), await KeptAsync(host, sales));
        await host.AddCaseAsync(sales);
        Assert.Equal(await CountedAsync(host), await KeptAsync(host));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task FailureModeRows_CarryTheirCasesStatus_WhenAddedAndWhenTheCaseMoves(string provider)
    {
        await using var host = await StartAsync(provider);
        var app = await host.AddApplicationAsync("Support bot");
        var labeled = await host.AddCaseAsync(app, c => c.Status = CaseStatus.Labeled, failureModes: [("factual.error", true), ("tone.inappropriate", false)]);
        var fresh = await host.AddCaseAsync(app, failureModes: [("factual.error", false)]);

        await using var db = await host.DbAsync();
        Assert.All(await db.CaseFailureModes.Where(m => m.CaseId == labeled).ToListAsync(Ct), m => Assert.Equal(CaseStatus.Labeled, m.CaseStatus));
        Assert.Equal(CaseStatus.New, (await db.CaseFailureModes.SingleAsync(m => m.CaseId == fresh, Ct)).CaseStatus);

        var moved = await db.Cases.SingleAsync(c => c.Id == labeled, Ct);
        moved.Status = CaseStatus.Dismissed;
        await db.SaveChangesAsync(Ct);
        Assert.All(await db.CaseFailureModes.AsNoTracking().Where(m => m.CaseId == labeled).ToListAsync(Ct), m => Assert.Equal(CaseStatus.Dismissed, m.CaseStatus));

        // The queue's counts for a mode alone come from these rows, and match the cases.
        var byMode = await host.RunAsync<QueryQueue, QueryQueue.Result>(h => h.HandleAsync(new QueueFilter { FailureMode = "factual.error" }, "nobody", Ct));
        Assert.Equal(new Dictionary<CaseStatus, int> { [CaseStatus.New] = 1, [CaseStatus.Dismissed] = 1 }, byMode.CountsByStatus);
        var byFamily = await host.RunAsync<QueryQueue, QueryQueue.Result>(h => h.HandleAsync(new QueueFilter { FailureMode = "factual", Statuses = CaseStatusSet.All }, "nobody", Ct));
        Assert.Equal(2, byFamily.Total);
    }
}
