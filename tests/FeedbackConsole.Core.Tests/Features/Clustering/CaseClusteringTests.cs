using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Clustering;
using FeedbackConsole.Core.Features.Enrichment;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.Clustering;

/// <summary>Clustering as enrichment runs it: through the pipeline, on both providers.</summary>
public sealed class CaseClusteringTests
{
    // Whole seconds: both providers store them exactly.
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Stores one turn with one piece of negative feedback (a correction or comment with text, or a thumb down).</summary>
    internal static async Task<long> AddComplaintAsync(CoreHost host, Guid app, string id, string input, string? correction, string user, int minute = 0, SignalKind kind = SignalKind.Correction)
    {
        await using var db = await Db(host);
        var turn = new Interaction
        {
            ApplicationId = app, ExternalId = id, ConversationId = "conv-" + id, EndUserId = user, Input = input, Output = "Returns are accepted within 14 days.",
            OccurredAt = T0.AddMinutes(minute), ReceivedAt = T0, UpdatedAt = T0, ContentHash = id,
        };
        db.Interactions.Add(turn);
        await db.SaveChangesAsync(Ct);
        db.Signals.Add(new Signal
        {
            ApplicationId = app, ExternalId = id + "-s1", InteractionExternalId = id, InteractionId = turn.Id, EndUserId = user,
            Kind = correction is null ? SignalKind.Thumb : kind, ThumbUp = correction is null ? false : null, Text = correction,
            OccurredAt = turn.OccurredAt.AddSeconds(20), ReceivedAt = T0, ContentHash = id + "-s1",
        });
        if (correction is not null && kind != SignalKind.Correction)
        {
            // A comment alone opens no case; with a thumb down it does.
            db.Signals.Add(new Signal
            {
                ApplicationId = app, ExternalId = id + "-s2", InteractionExternalId = id, InteractionId = turn.Id, EndUserId = user,
                Kind = SignalKind.Thumb, ThumbUp = false, OccurredAt = turn.OccurredAt.AddSeconds(20), ReceivedAt = T0, ContentHash = id + "-s2",
            });
        }

        await db.SaveChangesAsync(Ct);
        return turn.Id;
    }

    internal static async Task<Guid> AppAsync(CoreHost host, string name = "Support bot")
    {
        await using var db = await Db(host);
        var app = new Application { Id = Guid.NewGuid(), Name = name + " " + Guid.NewGuid().ToString("N")[..6], CreatedAt = T0 };
        db.Applications.Add(app);
        await db.SaveChangesAsync(Ct);
        return app.Id;
    }

    internal static async Task<FeedbackDbContext> Db(CoreHost host) =>
        await host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(Ct);

    internal static async Task DrainAsync(CoreHost host)
    {
        var pipeline = host.Services.GetRequiredService<EnrichmentPipeline>();
        while (await pipeline.RunOnceAsync(Ct) > 0)
        {
        }
    }

    private static async Task<Dictionary<string, long?>> ClusterByTurnAsync(CoreHost host)
    {
        await using var db = await Db(host);
        return await db.Cases.AsNoTracking().Include(c => c.Interaction).ToDictionaryAsync(c => c.Interaction!.ExternalId, c => c.ClusterId, Ct);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Enrichment_RefundWindowVariants_LandInOneCluster_UnrelatedComplaintsDoNot(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var app = await AppAsync(host);
        await AddComplaintAsync(host, app, "r1", "What is the refund window?", "The refund window is 30 days, not 14.", "user-1");
        await AddComplaintAsync(host, app, "r2", "what is the refund window", "Wrong: the refund window is 30 days not 14", "user-2", 1, SignalKind.Comment);
        await AddComplaintAsync(host, app, "r3", "What's the refund window?", "the refund window is 30 days not 14 days", "user-3", 2);
        await AddComplaintAsync(host, app, "r4", "What is the refund window for my order?", "The refund window is 30 days, not 14!", "user-1", 3);
        await AddComplaintAsync(host, app, "p1", "Why was my parcel late?", "The courier was rude to me on the phone.", "user-4", 4, SignalKind.Comment);
        await AddComplaintAsync(host, app, "k1", "How do I reset my password?", "You never said where the reset link is.", "user-5", 5, SignalKind.Comment);

        await DrainAsync(host);

        var clusters = await ClusterByTurnAsync(host);
        Assert.All(clusters.Values, id => Assert.NotNull(id));
        var refund = clusters["r1"];
        Assert.All(new[] { "r2", "r3", "r4" }, t => Assert.Equal(refund, clusters[t]));
        Assert.NotEqual(refund, clusters["p1"]);
        Assert.NotEqual(refund, clusters["k1"]);
        Assert.NotEqual(clusters["p1"], clusters["k1"]);

        await using var db = await Db(host);
        var cluster = await db.CaseClusters.SingleAsync(c => c.Id == refund, Ct);
        Assert.Equal(4, cluster.CaseCount);
        Assert.Equal(3, cluster.Reach); // user-1 complained twice
        Assert.Equal(T0.AddMinutes(3).AddSeconds(20), cluster.LastCaseAt);
        Assert.Contains("refund window", cluster.Title, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(3, await db.CaseClusters.CountAsync(Ct));
        Assert.Equal(6 * MinHash.Bands, await db.CaseClusterBands.CountAsync(Ct) + await DuplicateBandsAsync(db));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Enrichment_AClusterLargerThanTheCandidatesReadPerBand_StillTakesANewNearDuplicate(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var app = await AppAsync(host);
        var members = CaseClustering.CandidatesPerBand + 6;
        for (var i = 0; i < members; i++)
        {
            await AddComplaintAsync(host, app, $"r{i}", "What is the refund window?", "The refund window is 30 days, not 14.", $"user-{i}", i);
        }

        await AddComplaintAsync(host, app, "other", "How do I reset my password?", "You never said where the reset link is.", "user-x", members, SignalKind.Comment);
        await DrainAsync(host);
        await AddComplaintAsync(host, app, "late", "what is the refund window", "Wrong: the refund window is 30 days not 14", "user-late", members + 1);
        await DrainAsync(host);

        var clusters = await ClusterByTurnAsync(host);
        var refund = clusters["r0"];
        Assert.NotNull(refund);
        Assert.Equal(members + 1, clusters.Values.Count(c => c == refund));
        Assert.Equal(refund, clusters["late"]);
        Assert.NotEqual(refund, clusters["other"]);
        await using var db = await Db(host);
        Assert.Equal(members + 1, (await db.CaseClusters.SingleAsync(c => c.Id == refund, Ct)).CaseCount);
    }

    // A signature can repeat a band hash only by astronomic chance; counted so the assertion above is exact.
    private static async Task<int> DuplicateBandsAsync(FeedbackDbContext db) =>
        MinHash.Bands * await db.Cases.CountAsync(Ct) - await db.CaseClusterBands.CountAsync(Ct);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Enrichment_SameTextInAnotherApplication_FoundsItsOwnCluster(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var shop = await AppAsync(host, "Shop");
        var other = await AppAsync(host, "Other");
        await AddComplaintAsync(host, shop, "r1", "What is the refund window?", "The refund window is 30 days, not 14.", "user-1");
        await AddComplaintAsync(host, other, "r1", "What is the refund window?", "The refund window is 30 days, not 14.", "user-1");

        await DrainAsync(host);

        await using var db = await Db(host);
        var cases = await db.Cases.AsNoTracking().ToListAsync(Ct);
        Assert.Equal(2, cases.Select(c => c.ClusterId).Distinct().Count());
        Assert.All(await db.CaseClusters.ToListAsync(Ct), c => Assert.Equal(1, c.CaseCount));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Enrichment_RerunAndLateSignals_DoNotDoubleCount_AndReachCountsDistinctUsers(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var app = await AppAsync(host);
        var first = await AddComplaintAsync(host, app, "r1", "What is the refund window?", "The refund window is 30 days, not 14.", "user-1");
        await AddComplaintAsync(host, app, "r2", "what is the refund window", "the refund window is 30 days not 14", "user-2", 1);
        await DrainAsync(host);

        // Enrichment runs again for a case: a late thumb down from a third user and a second one from user-2.
        await using (var db = await Db(host))
        {
            db.Signals.AddRange(
                new Signal { ApplicationId = app, ExternalId = "late-1", InteractionExternalId = "r1", InteractionId = first, EndUserId = "user-3", Kind = SignalKind.Thumb, ThumbUp = false, OccurredAt = T0.AddMinutes(9), ReceivedAt = T0, ContentHash = "late-1" },
                new Signal { ApplicationId = app, ExternalId = "late-2", InteractionExternalId = "r1", InteractionId = first, EndUserId = "user-2", Kind = SignalKind.Thumb, ThumbUp = false, OccurredAt = T0.AddMinutes(9), ReceivedAt = T0, ContentHash = "late-2" });
            await db.SaveChangesAsync(Ct);
        }

        await DrainAsync(host);
        var pipeline = host.Services.GetRequiredService<EnrichmentPipeline>();
        await pipeline.ProcessAsync(first, [], Ct); // a forced re-run of the same case
        await pipeline.ProcessAsync(first, [], Ct);

        await using var check = await Db(host);
        var cluster = await check.CaseClusters.SingleAsync(Ct);
        Assert.Equal(2, cluster.CaseCount);
        Assert.Equal(3, cluster.Reach); // user-1, user-2, user-3
        Assert.Equal(2, await check.Cases.CountAsync(c => c.ClusterId == cluster.Id, Ct));
        Assert.Equal(2 * MinHash.Bands, await check.CaseClusterBands.CountAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Enrichment_NewFeedbackTextChangesTheCase_ItsBandsAreRecomputedAndItJoinsTheMatchingCluster(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var app = await AppAsync(host);
        await AddComplaintAsync(host, app, "r1", "What is the refund window?", "The refund window is 30 days, not 14.", "user-1");
        await AddComplaintAsync(host, app, "r2", "What is the refund window?", "The refund window is 30 days, not 14 days.", "user-2", 1);
        // Asked the same question but first only gave a thumb down: its text is the question alone.
        var late = await AddComplaintAsync(host, app, "r3", "Refund window?", null, "user-3", 2);
        await DrainAsync(host);
        var before = await ClusterByTurnAsync(host);
        Assert.NotEqual(before["r1"], before["r3"]);
        await using (var db = await Db(host))
        {
            Assert.Equal(2, await db.CaseClusters.CountAsync(Ct));
        }

        await using (var db = await Db(host))
        {
            db.Signals.Add(new Signal
            {
                ApplicationId = app, ExternalId = "r3-c", InteractionExternalId = "r3", InteractionId = late, EndUserId = "user-3", Kind = SignalKind.Correction,
                Text = "What is the refund window? The refund window is 30 days, not 14.", OccurredAt = T0.AddMinutes(5), ReceivedAt = T0, ContentHash = "r3-c",
            });
            await db.SaveChangesAsync(Ct);
        }

        await DrainAsync(host);

        var after = await ClusterByTurnAsync(host);
        Assert.Equal(after["r1"], after["r3"]);
        await using var check = await Db(host);
        var clusters = await check.CaseClusters.ToListAsync(Ct);
        var refund = Assert.Single(clusters); // the one r3 founded alone and then left is gone
        Assert.Equal(3, refund.CaseCount);
        Assert.Equal(3, refund.Reach);
        Assert.All(await check.CaseClusterBands.ToListAsync(Ct), b => Assert.Equal(refund.Id, b.ClusterId));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Enrichment_APass_RecountsEachTouchedClusterAtItsEnd_AndLeavesNoneMarked(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var app = await AppAsync(host);
        for (var i = 1; i <= 4; i++)
        {
            await AddComplaintAsync(host, app, $"r{i}", "What is the refund window?", "The refund window is 30 days, not 14.", $"user-{i}", i);
        }

        // One pass (the batch holds all four): each case joins the cluster the first one founded; the figures are
        // counted once, at the end of the pass, and must be those of all four.
        var pipeline = host.Services.GetRequiredService<EnrichmentPipeline>();
        Assert.Equal(4, await pipeline.RunOnceAsync(Ct));

        await using var check = await Db(host);
        var cluster = await check.CaseClusters.AsNoTracking().SingleAsync(Ct);
        Assert.Equal(4, cluster.CaseCount);
        Assert.Equal(4, cluster.Reach);
        Assert.Equal(T0.AddMinutes(4).AddSeconds(20), cluster.LastCaseAt);
        Assert.False(cluster.RecountNeeded);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Enrichment_AClusterLeftMarkedByAPassThatStopped_IsRecountedByTheNextPass_EvenWithNothingToEnrich(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var app = await AppAsync(host);
        await AddComplaintAsync(host, app, "r1", "What is the refund window?", "The refund window is 30 days, not 14.", "user-1");
        await AddComplaintAsync(host, app, "r2", "what is the refund window", "the refund window is 30 days not 14", "user-2", 1);
        await DrainAsync(host);

        // What a crash between a case's commit and the pass's recounts leaves: a marked cluster with stale figures.
        await using (var db = await Db(host))
        {
            await db.CaseClusters.ExecuteUpdateAsync(u => u.SetProperty(c => c.CaseCount, 1).SetProperty(c => c.Reach, 1).SetProperty(c => c.RecountNeeded, true), Ct);
        }

        var pipeline = host.Services.GetRequiredService<EnrichmentPipeline>();
        Assert.Equal(0, await pipeline.RunOnceAsync(Ct));

        await using var check = await Db(host);
        var cluster = await check.CaseClusters.AsNoTracking().SingleAsync(Ct);
        Assert.Equal(2, cluster.CaseCount);
        Assert.Equal(2, cluster.Reach);
        Assert.False(cluster.RecountNeeded);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Recount_ClusterMarkedAgainWhileItIsCounted_StaysMarked_AndTheNextPassCountsIt(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var app = await AppAsync(host);
        await AddComplaintAsync(host, app, "r1", "What is the refund window?", "The refund window is 30 days, not 14.", "user-1");
        await AddComplaintAsync(host, app, "r2", "what is the refund window", "the refund window is 30 days not 14", "user-2", 1);
        await DrainAsync(host);

        await using var db = await Db(host);
        var clusterId = (await db.CaseClusters.AsNoTracking().SingleAsync(Ct)).Id;
        await CaseClustering.MarkForRecountAsync(db, [clusterId], Ct);

        // The count is taken with no transaction open; meanwhile a third case joins (its pass's commit marks the cluster).
        var count = Assert.IsType<ClusterCount>(await CaseClustering.CountAsync(db, clusterId, Ct));
        Assert.Equal((2, 2), (count.Cases, count.Reach));
        await AddComplaintAsync(host, app, "r3", "What's the refund window?", "The refund window is 30 days, not 14!", "user-3", 2);
        await using (var other = await Db(host))
        {
            await using var marking = await other.Database.BeginTransactionAsync(Ct);
            await CaseClustering.MarkForRecountAsync(other, [clusterId], Ct);
            await marking.CommitAsync(Ct);
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(Ct))
        {
            Assert.False(await CaseClustering.ApplyRecountAsync(db, count, DateTimeOffset.UtcNow, Ct));
            await transaction.CommitAsync(Ct);
        }

        await using (var check = await Db(host))
        {
            var stored = await check.CaseClusters.AsNoTracking().SingleAsync(Ct);
            Assert.Equal(2, stored.CaseCount); // the figures counted are stored…
            Assert.True(stored.RecountNeeded); // …but the mark stays, for the change the count may have missed
        }

        // The next pass enriches r3 and recounts the cluster: three cases, three people, no mark left.
        await DrainAsync(host);
        await using var after = await Db(host);
        var cluster = await after.CaseClusters.AsNoTracking().SingleAsync(Ct);
        Assert.Equal((3, 3, false), (cluster.CaseCount, cluster.Reach, cluster.RecountNeeded));
    }
}
