using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;
using FeedbackConsole.Core.Features.KnowledgeBases.Runtime;
using FeedbackConsole.Core.Tests.Features.Releases;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.KnowledgeBases.Runtime;

public sealed class ServingTalliesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Flush_AddsCountsAcrossFlushes_PerReleaseEntryAndHour(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var (app, kb, release, engine) = await HelpCentreAsync(host);
        var refunds = engine.Index.Search("refunds", 5);
        var both = engine.Index.Search("refunds reset settings", 5);
        Assert.Single(refunds);
        Assert.Equal(2, both.Count);

        var clock = new ManualClock(new DateTimeOffset(2025, 3, 1, 9, 59, 30, TimeSpan.FromHours(1)));
        var tallies = new ServingTallies(host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>(), clock);
        tallies.Record(engine, refunds);
        tallies.Record(engine, both);
        Assert.Equal(2, await tallies.FlushAsync(Ct));
        Assert.Equal(0, tallies.PendingCount);
        Assert.Equal(0, await tallies.FlushAsync(Ct));

        tallies.Record(engine, refunds);
        Assert.Equal(1, await tallies.FlushAsync(Ct));
        clock.Now = clock.Now.AddMinutes(1); // 10:00:30 local: the next hour
        tallies.Record(engine, refunds);
        Assert.Equal(1, await tallies.FlushAsync(Ct));

        var rows = await RuntimeSeed.QueryAsync(host, db => db.EntryServingTallies.AsNoTracking().ToListAsync(Ct));
        var refundEntry = release.EntryIds[0];
        var passwordEntry = release.EntryIds[1];
        var nine = new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
        Assert.Equal(3, rows.Count);
        Assert.Equal(3, rows.Single(r => r.EntryId == refundEntry && r.Hour == nine).Count);
        Assert.Equal(1, rows.Single(r => r.EntryId == passwordEntry && r.Hour == nine).Count);
        Assert.Equal(1, rows.Single(r => r.EntryId == refundEntry && r.Hour == nine.AddHours(1)).Count);
        Assert.All(rows, r =>
        {
            Assert.Equal(release.Id, r.ReleaseId);
            Assert.Equal(kb, r.KnowledgeBaseId);
            Assert.Equal(app, r.ApplicationId);
        });
        var refundRevision = await RuntimeSeed.QueryAsync(host, db => db.ReleaseEntries.Where(e => e.EntryId == refundEntry).Select(e => e.RevisionId).SingleAsync(Ct));
        Assert.All(rows.Where(r => r.EntryId == refundEntry), r => Assert.Equal(refundRevision, r.RevisionId));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Flush_AddsToTheRowEfWrote_AndEfFindsWhatTheFlushWrote(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var (app, kb, release, engine) = await HelpCentreAsync(host);
        var hits = engine.Index.Search("refunds reset settings", 5);
        var (refunds, passwords) = (release.EntryIds[0], release.EntryIds[1]);
        var refundHit = hits.Single(h => h.EntryId == refunds);
        var clock = new ManualClock(new DateTimeOffset(2025, 3, 1, 9, 15, 0, TimeSpan.FromHours(1)));
        var hour = ServingTallies.HourOf(clock.Now);
        await RuntimeSeed.WithDbAsync(host, async db =>
        {
            db.EntryServingTallies.Add(new EntryServingTally
            {
                ReleaseId = release.Id, EntryId = refunds, Hour = hour, RevisionId = refundHit.RevisionId, KnowledgeBaseId = kb, ApplicationId = app, Count = 10,
            });
            await db.SaveChangesAsync(Ct);
        });

        var tallies = new ServingTallies(host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>(), clock);
        tallies.Record(engine, hits);
        tallies.Record(engine, hits);
        Assert.Equal(2, await tallies.FlushAsync(Ct));

        // Found by key in SQL, so each stored value (Guids, the converted hour) is exactly what EF would write.
        var merged = await RuntimeSeed.QueryAsync(host, db => db.EntryServingTallies.AsNoTracking()
            .SingleAsync(t => t.ReleaseId == release.Id && t.EntryId == refunds && t.Hour == hour, Ct));
        Assert.Equal(12, merged.Count);
        var written = await RuntimeSeed.QueryAsync(host, db => db.EntryServingTallies.AsNoTracking()
            .SingleAsync(t => t.ReleaseId == release.Id && t.EntryId == passwords && t.Hour == hour, Ct));
        Assert.Equal(
            (hits.Single(h => h.EntryId == passwords).RevisionId, kb, app, hour, 2L),
            (written.RevisionId, written.KnowledgeBaseId, written.ApplicationId, written.Hour, written.Count));
        Assert.Equal(2, await RuntimeSeed.QueryAsync(host, db => db.EntryServingTallies.CountAsync(Ct)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Record_FromManyThreads_LosesNoCount(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var (_, _, _, engine) = await HelpCentreAsync(host);
        var hits = engine.Index.Search("refunds", 5);
        var tallies = new ServingTallies(host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>(), TimeProvider.System);

        // Flushes run while requests count, as they do in the app.
        var recording = Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                tallies.Record(engine, hits);
            }
        }, Ct)));
        while (!recording.IsCompleted)
        {
            await tallies.FlushAsync(Ct);
        }

        await recording;
        await tallies.FlushAsync(Ct);

        var total = await RuntimeSeed.QueryAsync(host, db => db.EntryServingTallies.SumAsync(t => t.Count, Ct));
        Assert.Equal(40_000, total);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Engine_CorrectedEntries_AreThoseWhoseServedOrAnEarlierRevisionCameFromACase(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        var caseA = await w.Seed.CaseAsync(w.App, status: CaseStatus.Approved);
        var caseB = await w.Seed.CaseAsync(w.App, status: CaseStatus.Approved);
        var (laterFix, _) = await w.EntryAsync("Refund window", "14 days.");
        var (earlierFix, _) = await w.EntryAsync("Password reset", "Settings, then Security.", sourceCases: [caseB]);
        var (neverFixed, _) = await w.EntryAsync("Opening hours", "9 to 5.");
        var first = await w.ShipAsync();
        await w.ReviseAsync(laterFix, "30 days.", sourceCases: [caseA]);
        await w.ReviseAsync(earlierFix, "Settings, then Security, then Reset.");
        await w.ReviseAsync(neverFixed, "9 to 6.");
        var second = await w.ShipAsync();

        var cache = w.Host.Services.GetRequiredService<ReleaseIndexCache>();
        var kb = await cache.FindAsync(w.App, (await w.KnowledgeBaseAsync()).Key, Ct);
        var firstEngine = await cache.GetEngineAsync(kb!, new ServedReleaseRef(first, 1), Ct);
        var secondEngine = await cache.GetEngineAsync(kb!, kb!.Live!, Ct);

        Assert.Equal(second, secondEngine.ReleaseId);
        Assert.Equal([earlierFix], firstEngine.CorrectedEntries);
        Assert.Equal(new HashSet<Guid> { laterFix, earlierFix }, secondEngine.CorrectedEntries.ToHashSet());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Flush_OfEntriesNoReleaseCorrected_RunsNoMilestoneQuery(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        var caseId = await w.Seed.CaseAsync(w.App, status: CaseStatus.Approved);
        var (corrected, correctedRevision) = await w.EntryAsync("Refund window", "30 days.", sourceCases: [caseId]);
        var (plain, plainRevision) = await w.EntryAsync("Opening hours", "9 to 5.");
        await w.ShipAsync();
        var cache = w.Host.Services.GetRequiredService<ReleaseIndexCache>();
        var kb = await cache.FindAsync(w.App, (await w.KnowledgeBaseAsync()).Key, Ct);
        var engine = await cache.GetEngineAsync(kb!, kb!.Live!, Ct);
        var tallies = w.Host.Services.GetRequiredService<ServingTallies>();
        await using var db = await w.DbAsync();
        using var log = await EfCommandLog.OfAsync(db, Ct);

        tallies.Record(engine, [new RetrievalHit(plain, plainRevision, 1, 0.5)]);
        Assert.Equal(1, await tallies.FlushAsync(Ct));
        // The counts are written with one statement outside EF; EF itself is not asked anything.
        Assert.Empty(log.Commands);

        tallies.Record(engine, [new RetrievalHit(plain, plainRevision, 1, 0.5), new RetrievalHit(corrected, correctedRevision, 1, 0.4)]);
        Assert.Equal(2, await tallies.FlushAsync(Ct));
        Assert.Contains(log.Commands, c => c.Contains("EntryRevisions", StringComparison.Ordinal));
        Assert.Equal(3, await w.ReadAsync(d => d.EntryServingTallies.SumAsync(t => t.Count, Ct)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Flush_InPacedSlices_CorrectedFirst_StoppedMidway_KeepsTheRestForTheNextFlush(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        var caseId = await w.Seed.CaseAsync(w.App, status: CaseStatus.Approved);
        var (plain, plainRevision) = await w.EntryAsync("Opening hours", "9 to 5.");
        var (corrected, correctedRevision) = await w.EntryAsync("Refund window", "30 days.", sourceCases: [caseId]);
        await w.ShipAsync();
        var cache = w.Host.Services.GetRequiredService<ReleaseIndexCache>();
        var kb = await cache.FindAsync(w.App, (await w.KnowledgeBaseAsync()).Key, Ct);
        var engine = await cache.GetEngineAsync(kb!, kb!.Live!, Ct);
        var tallies = w.Host.Services.GetRequiredService<ServingTallies>();
        tallies.Record(engine, [new RetrievalHit(plain, plainRevision, 1, 0.5), new RetrievalHit(corrected, correctedRevision, 1, 0.4)]);
        tallies.Record(engine, [new RetrievalHit(plain, plainRevision, 1, 0.5)]);

        // One row per transaction and a pause far longer than the test: stopped in the pause after the first slice.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var flush = tallies.FlushAsync(stop.Token, pauseRatio: 1e6, rowsPerSlice: 1);
        while (await w.ReadAsync(d => d.EntryServingTallies.CountAsync(Ct)) == 0)
        {
            Assert.False(flush.IsCompleted, "The flush ended before its first slice was seen.");
            await Task.Delay(10, Ct);
        }

        Assert.False(flush.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => flush);

        // The corrected entry's row went first (the milestone check sees all of its rows in one transaction); the
        // plain entry's two servings were kept, not lost and not written twice.
        var first = await w.ReadAsync(d => d.EntryServingTallies.AsNoTracking().SingleAsync(Ct));
        Assert.Equal((corrected, 1L), (first.EntryId, first.Count));
        Assert.Equal(2, tallies.PendingCount);
        Assert.Equal(1, await tallies.FlushAsync(Ct));
        var counts = await w.ReadAsync(d => d.EntryServingTallies.AsNoTracking().ToDictionaryAsync(t => t.EntryId, t => t.Count, Ct));
        Assert.Equal(new Dictionary<Guid, long> { [corrected] = 1, [plain] = 2 }, counts);
    }

    [Fact]
    public async Task Flush_RejectsANegativePauseOrAnEmptySlice()
    {
        var tallies = new ServingTallies(null!, TimeProvider.System);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => tallies.FlushAsync(Ct, pauseRatio: -1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => tallies.FlushAsync(Ct, rowsPerSlice: 0));
    }

    /// <summary>A facts knowledge base "help-centre" whose live release holds Refunds and Passwords, and that release's engine.</summary>
    private static async Task<(Guid App, Guid Kb, SeededRelease Release, ReleaseEngine Engine)> HelpCentreAsync(CoreHost host)
    {
        var app = await RuntimeSeed.ApplicationAsync(host);
        var kb = await RuntimeSeed.KnowledgeBaseAsync(host, app, "help-centre", KnowledgeBaseKind.Facts);
        var release = await RuntimeSeed.ReleaseAsync(host, kb, [new("Refunds", "Refunds take 14 days."), new("Passwords", "Reset it in Settings.")]);
        var cache = host.Services.GetRequiredService<ReleaseIndexCache>();
        var found = await cache.FindAsync(app, "help-centre", Ct);
        return (app, kb, release, await cache.GetEngineAsync(found!, found!.Live!, Ct));
    }

    [Fact]
    public void HourOf_TruncatesToTheUtcHour()
    {
        Assert.Equal(
            new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero),
            ServingTallies.HourOf(new DateTimeOffset(2025, 3, 1, 9, 59, 59, 999, TimeSpan.FromHours(1))));
    }
}
