using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.Audit;

public sealed class VerifyAuditChainTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Verify_AppendedEvents_FormAnIntactChainAcrossPages(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var before = await host.MaxIdAsync();
        for (var i = 1; i <= 7; i++)
        {
            await host.AppendAsync("case.labeled", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await host.AppendAsync(new AuditActor("u-1", "ada@example.test"),
            new AuditEntry("case.dismissed", "case", "8", Guid.NewGuid(), new { status = "New" }, new { status = "Dismissed" }, "Spam — «ÄÖ» <b>"),
            new AuditEntry("case.dismissed", "case", "9", Reason: "bulk"));

        // Pages of 3 make the walk cross page boundaries several times.
        var outcome = await host.VerifyAsync(pageSize: 3);

        Assert.True(outcome.IsIntact, outcome.Break?.Explanation);
        Assert.Equal(before + 9, outcome.EventsChecked);
        var events = await host.EventsAsync();
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Id));
        Assert.Equal(AuditTrail.GenesisHash, events[0].PreviousHash);
        Assert.All(events.Skip(1), (e, i) => Assert.Equal(events[i].Hash, e.PreviousHash));
        Assert.Equal(new AuditChainHead(events[^1].Id, events[^1].Hash), outcome.Head);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Verify_EmptyTrail_IsIntactWithNothingChecked(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        await host.SqlAsync("""DELETE FROM "AuditEvents" """);

        var outcome = await host.VerifyAsync();

        Assert.True(outcome.IsIntact);
        Assert.Equal(0, outcome.EventsChecked);
        Assert.Null(outcome.Head);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Append_ManyConcurrentWriters_FormOneGapFreeValidChain(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var before = await host.MaxIdAsync();
        const int Writers = 8;
        const int EventsEach = 6;

        // Each task is a separate decision: its own context, connection and transaction.
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < EventsEach; i++)
            {
                await host.AppendAsync($"case.claimed", $"{w}-{i}");
            }
        }, AuditTestHost.Ct)));

        var events = await host.EventsAsync();
        Assert.Equal(before + (Writers * EventsEach), events.Count);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Id));
        var outcome = await host.VerifyAsync(pageSize: 10);
        Assert.True(outcome.IsIntact, outcome.Break?.Explanation);
        Assert.Equal(events.Count, outcome.EventsChecked);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Verify_StoredAfterEdited_ReportsThatEventAsChanged(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var first = await host.MaxIdAsync() + 1;
        for (var i = 0; i < 5; i++)
        {
            await host.AppendAsync("case.labeled", $"{i}", new { failureMode = "factual.error" });
        }

        var target = first + 2;
        await host.SqlAsync("""UPDATE "AuditEvents" SET "After" = {0} WHERE "Id" = {1}""", """{"failureMode":"tone.inappropriate"}""", target);

        var outcome = await host.VerifyAsync(pageSize: 2);

        Assert.False(outcome.IsIntact);
        Assert.Equal(target, outcome.Break!.EventId);
        Assert.Equal(AuditChainBreakKind.Changed, outcome.Break.Kind);
        Assert.Equal($"Event {target} was changed after it was written: what is stored no longer matches its hash.", outcome.Break.Explanation);
        Assert.Equal(target - 1, outcome.EventsChecked);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Verify_OccurredAtOrActorEdited_ReportsChanged(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        await host.AppendAsync("case.labeled", "1");
        await host.AppendAsync("case.labeled", "2");
        var target = await host.MaxIdAsync() - 1;

        await host.SqlAsync("""UPDATE "AuditEvents" SET "ActorName" = 'someone.else@example.test' WHERE "Id" = {0}""", target);

        var outcome = await host.VerifyAsync();
        Assert.Equal(target, outcome.Break?.EventId);
        Assert.Equal(AuditChainBreakKind.Changed, outcome.Break?.Kind);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Verify_MiddleRowDeleted_ReportsTheGap(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var first = await host.MaxIdAsync() + 1;
        for (var i = 0; i < 6; i++)
        {
            await host.AppendAsync("case.labeled", $"{i}");
        }

        var deleted = first + 3;
        await host.SqlAsync("""DELETE FROM "AuditEvents" WHERE "Id" = {0}""", deleted);

        var outcome = await host.VerifyAsync(pageSize: 2);

        Assert.Equal(deleted, outcome.Break?.EventId);
        Assert.Equal(AuditChainBreakKind.Missing, outcome.Break?.Kind);
        Assert.Equal($"Event {deleted} is missing (deleted): the trail goes from event {deleted - 1} straight to event {deleted + 1}.", outcome.Break?.Explanation);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Verify_SeveralRowsAndTheFirstDeleted_ReportsTheFirstMissing(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        for (var i = 0; i < 4; i++)
        {
            await host.AppendAsync("case.labeled", $"{i}");
        }

        await host.SqlAsync("""DELETE FROM "AuditEvents" WHERE "Id" <= 2""");

        var outcome = await host.VerifyAsync();

        Assert.Equal(1, outcome.Break?.EventId);
        Assert.Equal("Events 1–2 are missing (deleted): the trail starts at event 3 instead of event 1.", outcome.Break?.Explanation);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Verify_RowRewrittenWithRecomputedHash_ReportsTheNextLinkBroken(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var first = await host.MaxIdAsync() + 1;
        for (var i = 0; i < 4; i++)
        {
            await host.AppendAsync("case.labeled", $"{i}", new { failureMode = "factual.error" });
        }

        // A careful forger edits event k and recomputes its hash so that k checks out on its own.
        var target = first + 1;
        var contexts = host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync(AuditTestHost.Ct))
        {
            var forged = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Id == target, AuditTestHost.Ct);
            forged.After = """{"failureMode":"retrieval.miss"}""";
            forged.Hash = AuditTrail.ComputeHash(forged);
            await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEvents" SET "After" = {0}, "Hash" = {1} WHERE "Id" = {2}""",
                [forged.After, forged.Hash, target], AuditTestHost.Ct);
        }

        var outcome = await host.VerifyAsync();

        Assert.Equal(target + 1, outcome.Break?.EventId);
        Assert.Equal(AuditChainBreakKind.Unlinked, outcome.Break?.Kind);
        Assert.StartsWith($"Event {target + 1} does not follow event {target}: ", outcome.Break?.Explanation, StringComparison.Ordinal);
        Assert.Equal(target, outcome.EventsChecked);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Verify_LastRowDeleted_IsOnlyCaughtAgainstANotedHead(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        for (var i = 0; i < 3; i++)
        {
            await host.AppendAsync("case.labeled", $"{i}");
        }

        var noted = (await host.VerifyAsync()).Head!;
        await host.SqlAsync("""DELETE FROM "AuditEvents" WHERE "Id" = {0}""", noted.Id);

        // What is left is still a valid chain: the chain alone cannot show that its end is gone.
        var alone = await host.VerifyAsync();
        Assert.True(alone.IsIntact);
        Assert.Equal(noted.Id - 1, alone.Head?.Id);

        var againstHead = await host.VerifyAsync(noted);
        Assert.Equal(AuditChainBreakKind.HeadMismatch, againstHead.Break?.Kind);
        Assert.Equal(noted.Id, againstHead.Break?.EventId);
        Assert.Contains("deleted from its end", againstHead.Break?.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Verify_NotedHeadStillThere_PassesAndLaterEventsAreFine(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        await host.AppendAsync("case.labeled", "1");
        var noted = (await host.VerifyAsync()).Head!;
        await host.AppendAsync("case.labeled", "2");

        var outcome = await host.VerifyAsync(noted with { Hash = noted.Hash.ToUpperInvariant() });

        Assert.True(outcome.IsIntact, outcome.Break?.Explanation);
        Assert.Equal(noted.Id + 1, outcome.Head?.Id);
    }
}
