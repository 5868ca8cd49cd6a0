using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Enrichment;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.Enrichment;

public sealed class EnrichmentPipelineTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddMinutes(-30);

    private static async Task<Guid> AppAsync(FeedbackDbContext db)
    {
        var app = new Application { Id = Guid.NewGuid(), Name = "Support bot " + Guid.NewGuid().ToString("N")[..6], CreatedAt = T0 };
        db.Applications.Add(app);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return app.Id;
    }

    private static Interaction Turn(Guid app, string id, string input, string conversation = "conv-1", int minute = 0) => new()
    {
        ApplicationId = app, ExternalId = id, ConversationId = conversation, EndUserId = "user-1", Input = input, Output = "An answer.",
        OccurredAt = T0.AddMinutes(minute), ReceivedAt = T0, UpdatedAt = T0, ContentHash = id,
    };

    private static Signal Sig(Guid app, Interaction turn, SignalKind kind, string id, bool? up = null, int? rating = null, string? dimension = null,
        FlagCategory? flag = null, string? text = null, string user = "user-1") => new()
    {
        ApplicationId = app, ExternalId = id, InteractionExternalId = turn.ExternalId, InteractionId = turn.Id, EndUserId = user, Kind = kind,
        ThumbUp = up, Rating = rating, Dimension = dimension, Flag = flag, Text = text, OccurredAt = turn.OccurredAt.AddSeconds(30), ReceivedAt = T0, ContentHash = id,
    };

    private static async Task<T> WithDb<T>(CoreHost host, Func<FeedbackDbContext, Task<T>> work)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        return await work(db);
    }

    private static async Task DrainAsync(CoreHost host)
    {
        var pipeline = host.Services.GetRequiredService<EnrichmentPipeline>();
        while (await pipeline.RunOnceAsync(TestContext.Current.CancellationToken) > 0)
        {
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pipeline_NegativeFeedback_OpensOneCaseWithSuggestedModesAndReasons(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var turnId = await WithDb(host, async db =>
        {
            var app = await AppAsync(db);
            var turn = Turn(app, "t-1", "What is the refund window?");
            db.Interactions.Add(turn);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            db.Signals.AddRange(
                Sig(app, turn, SignalKind.Rating, "s-1", rating: 1, dimension: "accuracy"),
                Sig(app, turn, SignalKind.Correction, "s-2", text: "The refund window is 30 days, not 14."),
                Sig(app, turn, SignalKind.Comment, "s-3", text: "This is outdated, the policy changed in May."));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            return turn.Id;
        });

        await DrainAsync(host);
        await DrainAsync(host); // a second pass changes nothing

        await WithDb(host, async db =>
        {
            var kase = await db.Cases.Include(c => c.FailureModes).ThenInclude(m => m.FailureMode).SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal(turnId, kase.InteractionId);
            Assert.Equal(CaseStatus.New, kase.Status);
            Assert.Equal(3, kase.SignalCount);
            Assert.Equal(2, kase.NegativeCount);
            Assert.True(kase.HasCorrection);
            Assert.True(kase.Priority > 0);
            var modes = kase.FailureModes.Select(m => m.FailureMode!.Key).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(["factual.error", "factual.outdated"], modes);
            Assert.All(kase.FailureModes, m => Assert.False(m.Confirmed));
            Assert.Contains("Low accuracy rating", kase.FailureModes.Single(m => m.FailureMode!.Key == "factual.error").Reason, StringComparison.Ordinal);
            Assert.False(await db.Signals.AnyAsync(s => s.EnrichedAt == null, TestContext.Current.CancellationToken));
            return true;
        });
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pipeline_PositiveOnly_MakesNoCase(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        await WithDb(host, async db =>
        {
            var app = await AppAsync(db);
            var turn = Turn(app, "t-1", "Hello");
            db.Interactions.Add(turn);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            db.Signals.AddRange(Sig(app, turn, SignalKind.Thumb, "s-1", up: true), Sig(app, turn, SignalKind.Copy, "s-2"));
            return await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });

        await DrainAsync(host);

        Assert.Equal(0, await WithDb(host, db => db.Cases.CountAsync(TestContext.Current.CancellationToken)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pipeline_LateSafetyFlag_RaisesTheExistingCaseAndKeepsConfirmedModes(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var (app, turn) = await WithDb(host, async db =>
        {
            var app = await AppAsync(db);
            var turn = Turn(app, "t-1", "Can I mix these cleaning products?");
            db.Interactions.Add(turn);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            db.Signals.Add(Sig(app, turn, SignalKind.Thumb, "s-1", up: false));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            return (app, turn);
        });
        await DrainAsync(host);
        var before = await WithDb(host, db => db.Cases.SingleAsync(TestContext.Current.CancellationToken));
        await WithDb(host, async db =>
        {
            var tone = await db.FailureModes.SingleAsync(m => m.Key == "tone.inappropriate", TestContext.Current.CancellationToken);
            db.CaseFailureModes.Add(new CaseFailureMode { CaseId = before.Id, FailureModeId = tone.Id, Confirmed = true, Reason = "reviewer" });
            db.Signals.Add(Sig(app, turn, SignalKind.Flag, "s-2", flag: FlagCategory.Safety, user: "user-2"));
            return await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });

        await DrainAsync(host);

        await WithDb(host, async db =>
        {
            var after = await db.Cases.Include(c => c.FailureModes).ThenInclude(m => m.FailureMode).SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal(before.Id, after.Id);
            Assert.Equal(FlagCategory.Safety, after.HighestFlag);
            Assert.True(after.Priority >= 2000, $"priority {after.Priority}");
            Assert.NotEqual(before.Version, after.Version);
            Assert.Contains(after.FailureModes, m => m.FailureMode!.Key == "tone.inappropriate" && m.Confirmed);
            Assert.Contains(after.FailureModes, m => m.FailureMode!.Key == "safety.harmful" && !m.Confirmed);
            return true;
        });
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pipeline_QuestionAskedAgain_DerivesReformulationAndOpensCaseOnThePreviousTurn(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var firstId = await WithDb(host, async db =>
        {
            var app = await AppAsync(db);
            var first = Turn(app, "t-1", "How do I cancel my subscription?", minute: 0);
            db.Interactions.Add(first);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            await DrainAsync(host);
            db.Interactions.Add(Turn(app, "t-2", "How can I cancel the subscription I have?", minute: 1));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            return first.Id;
        });

        await DrainAsync(host);

        await WithDb(host, async db =>
        {
            var derived = await db.Signals.SingleAsync(s => s.IsDerived, TestContext.Current.CancellationToken);
            Assert.Equal(SignalKind.Reformulation, derived.Kind);
            Assert.Equal(firstId, derived.InteractionId);
            var kase = await db.Cases.Include(c => c.FailureModes).ThenInclude(m => m.FailureMode).SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal(firstId, kase.InteractionId);
            Assert.Contains(kase.FailureModes, m => m.FailureMode!.Key == "retrieval.miss");
            return true;
        });
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pipeline_SignalWaitingForItsInteraction_IsLeftUntilLinked(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        await WithDb(host, async db =>
        {
            var app = await AppAsync(db);
            db.Signals.Add(new Signal { ApplicationId = app, ExternalId = "early", InteractionExternalId = "not-yet", Kind = SignalKind.Thumb, ThumbUp = false, OccurredAt = T0, ReceivedAt = T0, ContentHash = "x" });
            return await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });

        await DrainAsync(host);

        Assert.True(await WithDb(host, db => db.Signals.AnyAsync(s => s.ExternalId == "early" && s.EnrichedAt == null, TestContext.Current.CancellationToken)));
        Assert.Equal(0, await WithDb(host, db => db.Cases.CountAsync(TestContext.Current.CancellationToken)));
    }

    private static async Task<int> SeedTurnsWithThumbsDownAsync(CoreHost host, int turns) => await WithDb(host, async db =>
    {
        var app = await AppAsync(db);
        var list = Enumerable.Range(1, turns).Select(n => Turn(app, $"t-{n}", $"Question {n}?", conversation: $"conv-{n}")).ToList();
        db.Interactions.AddRange(list);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        db.Signals.AddRange(list.Select(t => Sig(app, t, SignalKind.Thumb, "s-" + t.ExternalId, up: false)));
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return turns;
    });

    private static Task<int> EnrichedTurnsAsync(CoreHost host) =>
        WithDb(host, db => db.Interactions.CountAsync(i => i.EnrichedAt != null, TestContext.Current.CancellationToken));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pipeline_WithAPaceThatSlowsDown_CommitsOneInteractionBetweenTwoPaces(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        await SeedTurnsWithThumbsDownAsync(host, 5);
        var pipeline = host.Services.GetRequiredService<EnrichmentPipeline>();
        var enrichedAtEachPace = new List<int>();

        var processed = await pipeline.RunOnceAsync(
            async _ =>
            {
                enrichedAtEachPace.Add(await EnrichedTurnsAsync(host));
                return true; // saturated: paused
            },
            TestContext.Current.CancellationToken);

        Assert.Equal(5, processed);
        Assert.Equal([0, 1, 2, 3, 4], enrichedAtEachPace.Take(5)); // one interaction committed between two paces
        Assert.NotEmpty(enrichedAtEachPace.Skip(5)); // then one pace before each cluster's recount
        Assert.All(enrichedAtEachPace.Skip(5), n => Assert.Equal(5, n));
        Assert.Equal(5, await WithDb(host, db => db.Cases.CountAsync(TestContext.Current.CancellationToken)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pipeline_WithAPaceThatDoesNotSlowDown_EnrichesAChunkPerTransaction(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        await SeedTurnsWithThumbsDownAsync(host, EnrichmentPipeline.ChunkSize + 3);
        var pipeline = host.Services.GetRequiredService<EnrichmentPipeline>();
        var enrichedAtEachPace = new List<int>();

        var processed = await pipeline.RunOnceAsync(
            async _ =>
            {
                enrichedAtEachPace.Add(await EnrichedTurnsAsync(host));
                return false;
            },
            TestContext.Current.CancellationToken);

        Assert.Equal(EnrichmentPipeline.ChunkSize + 3, processed);
        Assert.Equal([0, EnrichmentPipeline.ChunkSize], enrichedAtEachPace.Take(2)); // a full chunk, then the rest
        Assert.All(enrichedAtEachPace.Skip(2), n => Assert.Equal(EnrichmentPipeline.ChunkSize + 3, n)); // recounts
        Assert.Equal(EnrichmentPipeline.ChunkSize + 3, await WithDb(host, db => db.Cases.CountAsync(TestContext.Current.CancellationToken)));
        Assert.Equal(0, await WithDb(host, db => db.Signals.CountAsync(s => s.EnrichedAt == null, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Worker_WhileIngestionStaysSaturated_TricklesOneInteractionPerPause()
    {
        await using var host = await CoreHost.StartAsync(TestDatabase.Sqlite, new Dictionary<string, string?> { ["Enrichment:SaturatedPause"] = "00:00:00.300" });
        await SeedTurnsWithThumbsDownAsync(host, 4);
        var trigger = host.Services.GetRequiredService<EnrichmentTrigger>();
        using var stop = new CancellationTokenSource();
        // Ingestion saturated all along: a commit with many requests waiting, every 20 ms (well inside the 250 ms hold, even on a loaded machine).
        trigger.Notify(saturated: true);
        var saturate = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                trigger.Notify(saturated: true);
                await Task.Delay(20, CancellationToken.None);
            }
        }, CancellationToken.None);

        var worker = ActivatorUtilities.CreateInstance<EnrichmentWorker>(host.Services);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await worker.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            // Still advancing under saturation: all four, with a pause before each.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await EnrichedTurnsAsync(host) < 4 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            var took = started.Elapsed;
            Assert.Equal(4, await EnrichedTurnsAsync(host));
            Assert.True(took >= TimeSpan.FromMilliseconds(3 * 300 - 50), $"4 interactions under saturation took only {took.TotalMilliseconds:0} ms: the worker did not pause");
            Assert.True(trigger.IngestSaturated);
        }
        finally
        {
            await stop.CancelAsync();
            await saturate;
            await worker.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Worker_IngestionNotSaturated_EnrichesWithoutPausing()
    {
        await using var host = await CoreHost.StartAsync(TestDatabase.Sqlite, new Dictionary<string, string?> { ["Enrichment:SaturatedPause"] = "00:00:05" });
        await SeedTurnsWithThumbsDownAsync(host, 4);
        var trigger = host.Services.GetRequiredService<EnrichmentTrigger>();
        trigger.Notify(); // a commit with nobody else waiting
        Assert.False(trigger.IngestSaturated);

        var worker = ActivatorUtilities.CreateInstance<EnrichmentWorker>(host.Services);
        await worker.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            // Four pauses of 5 s would take 15 s; without saturation none is taken.
            var deadline = DateTime.UtcNow.AddSeconds(12);
            while (await EnrichedTurnsAsync(host) < 4 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            Assert.Equal(4, await EnrichedTurnsAsync(host));
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Worker_WithABacklogOfManyPasses_DrainsItWithoutWaitingForThePollInterval()
    {
        // Turns enriched before, each with 5 new signals (as when feedback keeps coming for known turns), and passes
        // of 50 signals: every pass holds only 10 interactions.
        await using var host = await CoreHost.StartAsync(TestDatabase.Sqlite, new Dictionary<string, string?>
        {
            ["Enrichment:BatchSize"] = "50",
            ["Enrichment:PollInterval"] = "00:01:00",
        });
        await WithDb(host, async db =>
        {
            var app = await AppAsync(db);
            var turns = Enumerable.Range(1, 40).Select(n => Turn(app, $"t-{n}", $"Question {n}?", conversation: $"conv-{n}")).ToList();
            turns.ForEach(t => t.EnrichedAt = T0);
            db.Interactions.AddRange(turns);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            db.Signals.AddRange(turns.SelectMany(t => Enumerable.Range(1, 5).Select(i => Sig(app, t, SignalKind.Thumb, $"s-{t.ExternalId}-{i}", up: false))));
            return await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });

        var worker = ActivatorUtilities.CreateInstance<EnrichmentWorker>(host.Services);
        await worker.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            // Four or more passes; a sleep of the poll interval (1 min) between two would blow the deadline.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await WithDb(host, db => db.Cases.CountAsync(TestContext.Current.CancellationToken)) < 40 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }

            Assert.Equal(40, await WithDb(host, db => db.Cases.CountAsync(TestContext.Current.CancellationToken)));
            Assert.Equal(0, await WithDb(host, db => db.Signals.CountAsync(s => s.EnrichedAt == null, TestContext.Current.CancellationToken)));
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }
}
