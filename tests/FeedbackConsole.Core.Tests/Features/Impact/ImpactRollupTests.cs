using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Enrichment;
using FeedbackConsole.Core.Features.Impact;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.Impact;

/// <summary>
/// Each impact metric against numbers worked out by hand on small data sets, on both providers: the daily rollups,
/// late-arriving signals, empty periods, UTC day boundaries, failure modes labeled after the fact, case times.
/// </summary>
public sealed class ImpactRollupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateOnly D1 = ImpactWorld.Monday;
    private static readonly DateOnly D2 = ImpactWorld.Monday.AddDays(1);

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Dashboard_SignalsOfTwoDays_VolumeAndNegativeRateAsComputedByHand(string provider)
    {
        await using var w = await ImpactWorld.StartAsync(provider);
        var turn = await w.TurnAsync(ImpactWorld.At(D1, 9));
        // Day 1: up, up, down, copy (+) → 3 good, 1 bad = 25 % negative; a rating of 3 and a comment say neither.
        await w.SignalAsync(turn, SignalKind.Thumb, ImpactWorld.At(D1, 10), up: true);
        await w.SignalAsync(turn, SignalKind.Thumb, ImpactWorld.At(D1, 10, 5), up: true);
        await w.SignalAsync(turn, SignalKind.Thumb, ImpactWorld.At(D1, 11), up: false);
        await w.SignalAsync(turn, SignalKind.Copy, ImpactWorld.At(D1, 12));
        await w.SignalAsync(turn, SignalKind.Rating, ImpactWorld.At(D1, 13), rating: 3);
        await w.SignalAsync(turn, SignalKind.Comment, ImpactWorld.At(D1, 14));
        // Day 2: a correction, and a thumb down given at 23:30 in New York on day 1 — 04:30 UTC on day 2: 2 bad of 2.
        await w.SignalAsync(turn, SignalKind.Correction, ImpactWorld.At(D2, 8));
        await w.SignalAsync(turn, SignalKind.Thumb, new DateTimeOffset(D1.ToDateTime(new TimeOnly(23, 30)), TimeSpan.FromHours(-5)).ToUniversalTime(), up: false);
        // Not counted: a signal enrichment has not processed yet, and a derived one (it summarises others).
        await w.SignalAsync(turn, SignalKind.Thumb, ImpactWorld.At(D1, 15), up: false, enriched: false);
        await w.SignalAsync(turn, SignalKind.Regenerate, ImpactWorld.At(D1, 16), derived: true);

        await w.RefreshAsync();
        var d = await w.DashboardAsync(D1, D2.AddDays(1));

        Assert.Equal([D1, D2, D2.AddDays(1)], d.Days);
        Assert.Equal([3, 1, 0], d.Volume.Single(k => k.Kind == SignalKind.Thumb).Counts);
        Assert.Equal([1, 0, 0], d.Volume.Single(k => k.Kind == SignalKind.Copy).Counts);
        Assert.Equal([0, 1, 0], d.Volume.Single(k => k.Kind == SignalKind.Correction).Counts);
        Assert.DoesNotContain(d.Volume, k => k.Kind == SignalKind.Regenerate);
        Assert.Equal(0.25, d.NegativeRate[0]);
        Assert.Equal(1.0, d.NegativeRate[1]);
        Assert.Null(d.NegativeRate[2]); // an empty day has no rate, not 0 %
        var model = Assert.Single(d.ByModel);
        Assert.Equal(("m1", 8, 6, 3), (model.Version, model.Signals, model.Polar, model.Negative));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Refresh_LateSignalForAnOldDay_CorrectsThatDayOnlyAndOnce(string provider)
    {
        await using var w = await ImpactWorld.StartAsync(provider);
        var oldTurn = await w.TurnAsync(ImpactWorld.At(D1, 9));
        await w.SignalAsync(oldTurn, SignalKind.Thumb, ImpactWorld.At(D1, 10), up: true);
        var newTurn = await w.TurnAsync(ImpactWorld.At(D1.AddDays(40), 9));
        await w.SignalAsync(newTurn, SignalKind.Thumb, ImpactWorld.At(D1.AddDays(40), 10), up: true);
        await w.RefreshAsync();
        Assert.Equal(0.0, (await w.DashboardAsync(D1, D1)).NegativeRate[0]);

        // Weeks later, a thumb down given on day 1 arrives (an offline client) and is enriched now.
        await w.SignalAsync(oldTurn, SignalKind.Thumb, ImpactWorld.At(D1, 11), up: false, enrichedAt: DateTimeOffset.UtcNow.AddSeconds(-1));
        var recomputed = await w.RefreshAsync();
        var again = await w.RefreshAsync();

        Assert.Equal(1, recomputed); // only day 1
        Assert.Equal(0, again); // nothing new: the watermark moved past it
        var d = await w.DashboardAsync(D1, D1.AddDays(40));
        Assert.Equal(0.5, d.NegativeRate[0]);
        Assert.Equal(2, d.Volume.Single().Counts[0]);
        Assert.Equal(0.0, d.NegativeRate[40]);
        Assert.Equal(1, d.Volume.Single().Counts[40]);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Refresh_FailureModeConfirmedLater_MovesTheCaseNegativesToThatMode(string provider)
    {
        await using var w = await ImpactWorld.StartAsync(provider);
        var bad = await w.TurnAsync(ImpactWorld.At(D1, 9));
        await w.SignalAsync(bad, SignalKind.Thumb, ImpactWorld.At(D1, 10), up: false);
        await w.SignalAsync(bad, SignalKind.Rating, ImpactWorld.At(D1, 10, 1), rating: 1);
        var good = await w.TurnAsync(ImpactWorld.At(D1, 9));
        await w.SignalAsync(good, SignalKind.Thumb, ImpactWorld.At(D1, 10), up: true);
        await w.SignalAsync(good, SignalKind.Thumb, ImpactWorld.At(D1, 11), up: true);
        var kase = await w.CaseAsync(bad, ImpactWorld.At(D1, 10), firstSignal: ImpactWorld.At(D1, 10));
        await w.RefreshAsync();
        Assert.Empty((await w.DashboardAsync(D1, D1)).Pareto);

        // A reviewer confirms factual.outdated today: the case's UpdatedAt moves, its signal days are recomputed.
        await using (var db = await w.DbAsync())
        {
            var mode = await db.FailureModes.FirstAsync(m => m.Key == "factual.outdated", Ct);
            db.CaseFailureModes.Add(new CaseFailureMode { CaseId = kase, FailureModeId = mode.Id, Confirmed = true, Reason = "" });
            var c = await db.Cases.FirstAsync(x => x.Id == kase, Ct);
            c.UpdatedAt = DateTimeOffset.UtcNow.AddSeconds(-1);
            await db.SaveChangesAsync(Ct);
        }

        await w.RefreshAsync();
        var d = await w.DashboardAsync(D1, D1);

        var bar = Assert.Single(d.Pareto);
        Assert.Equal(("factual.outdated", 2, 1.0), (bar.Key, bar.Negative, bar.CumulativeShare));
        // 2 negatives with the mode among 4 signals that said good or bad.
        Assert.Equal(0.5, Assert.Single(d.NegativeRateByMode).Rates[0]);
        Assert.Equal(0.5, d.NegativeRate[0]);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Dashboard_CaseTimes_WeeklyP50AndP90AsStepEdges(string provider)
    {
        await using var w = await ImpactWorld.StartAsync(provider);
        var created = ImpactWorld.At(D1, 8);
        // Triaged after 30 min, 1 h, 2 h and 5 h; one still waiting. Nearest rank of 4: p50 is the 2nd (1 h → step 1 h),
        // p90 the 4th (5 h → step "at most 6 h"). Resolved: one after 20 h (step 1 day).
        foreach (var (minutes, resolved) in new[] { (30, false), (60, false), (120, false), (300, true) })
        {
            var turn = await w.TurnAsync(created);
            await w.CaseAsync(turn, created, triagedAt: created.AddMinutes(minutes), resolvedAt: resolved ? created.AddHours(20) : null);
        }

        await w.CaseAsync(await w.TurnAsync(created), created);
        // A case created the next week counts in that week.
        var later = ImpactWorld.At(D1.AddDays(7), 8);
        await w.CaseAsync(await w.TurnAsync(later), later, triagedAt: later.AddDays(3));

        await w.RefreshAsync();
        var d = await w.DashboardAsync(D1, D1.AddDays(13));

        Assert.Equal([D1, D1.AddDays(7)], d.Weeks);
        var week1 = d.TimeToTriage[0];
        Assert.Equal((TimeSpan.FromHours(1), TimeSpan.FromHours(6), 4, 1), (week1.P50, week1.P90, week1.Counted, week1.Pending));
        Assert.Equal((TimeSpan.FromDays(1), 1, 4), (d.TimeToResolve[0].P50, d.TimeToResolve[0].Counted, d.TimeToResolve[0].Pending));
        Assert.Equal(TimeSpan.FromDays(3), d.TimeToTriage[1].P50);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Dashboard_SegmentAndModelFilters_CountOnlyMatchingInteractions(string provider)
    {
        await using var w = await ImpactWorld.StartAsync(provider);
        var customerOld = await w.TurnAsync(ImpactWorld.At(D1, 9), role: "customer", model: "m1");
        var customerNew = await w.TurnAsync(ImpactWorld.At(D1, 9), role: "customer", model: "m2", prompt: "p2");
        var agent = await w.TurnAsync(ImpactWorld.At(D1, 9), role: "agent", model: "m1");
        await w.SignalAsync(customerOld, SignalKind.Thumb, ImpactWorld.At(D1, 10), up: false);
        await w.SignalAsync(customerOld, SignalKind.Thumb, ImpactWorld.At(D1, 10), up: true);
        await w.SignalAsync(customerNew, SignalKind.Thumb, ImpactWorld.At(D1, 10), up: true);
        await w.SignalAsync(agent, SignalKind.Thumb, ImpactWorld.At(D1, 10), up: false);
        await w.SignalAsync(agent, SignalKind.Thumb, ImpactWorld.At(D1, 10), up: false);
        await w.RefreshAsync();

        var all = await w.DashboardAsync(D1, D1);
        var customers = await w.DashboardAsync(D1, D1, role: "customer");
        var m1Customers = await w.DashboardAsync(D1, D1, role: "customer", model: "m1");
        var m2 = await w.DashboardAsync(D1, D1, model: "m2");

        Assert.Equal(0.6, all.NegativeRate[0]!.Value, 6);
        Assert.Equal(1 / 3.0, customers.NegativeRate[0]!.Value, 6);
        Assert.Equal(0.5, m1Customers.NegativeRate[0]);
        Assert.Equal(0.0, m2.NegativeRate[0]);
        Assert.Equal([("m1", 0.75), ("m2", 0.0)], all.ByModel.Select(v => (v.Version, v.Rate)));
        Assert.Equal([("p1", 0.75), ("p2", 0.0)], all.ByPrompt.Select(v => (v.Version, v.Rate)));
        Assert.Equal(["agent", "customer"], all.Choices.Roles);
        Assert.Equal(w.App.ToString("D"), Assert.Single(all.Applications).Value); // matches the filter's id on SQLite too (upper-case there)
        Assert.Equal(["m1", "m2"], all.Choices.ModelVersions);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Dashboard_EachSegmentFilterAndCombination_CountsOnlyMatchingInteractions(string provider)
    {
        // One segment filter reads that dimension's slice rows, several read the detailed rows, none the summary: every
        // grain must give the numbers worked out by hand for signals, failure modes and case times alike.
        await using var w = await ImpactWorld.StartAsync(provider);
        var created = ImpactWorld.At(D1, 8);
        // A: customer · refund · web · en-GB — up, down; case (factual.error) triaged after 1 h.
        var a = await w.TurnAsync(created, role: "customer", task: "refund", channel: "web", locale: "en-GB");
        await w.SignalAsync(a, SignalKind.Thumb, ImpactWorld.At(D1, 10), up: true);
        await w.SignalAsync(a, SignalKind.Thumb, ImpactWorld.At(D1, 10), up: false);
        await w.CaseAsync(a, created, modes: ["factual.error"], triagedAt: created.AddHours(1));
        // B: agent · refund · mobile · de-DE — down, down, copy (+); case (tone.inappropriate) triaged after 2 h.
        var b = await w.TurnAsync(created, role: "agent", task: "refund", channel: "mobile", locale: "de-DE", model: "m2");
        await w.SignalAsync(b, SignalKind.Thumb, ImpactWorld.At(D1, 11), up: false);
        await w.SignalAsync(b, SignalKind.Thumb, ImpactWorld.At(D1, 11), up: false);
        await w.SignalAsync(b, SignalKind.Copy, ImpactWorld.At(D1, 11));
        await w.CaseAsync(b, created, modes: ["tone.inappropriate"], triagedAt: created.AddHours(2));
        // C: customer · billing · mobile · en-GB — up, up, up; no case.
        var c = await w.TurnAsync(created, role: "customer", task: "billing", channel: "mobile", locale: "en-GB");
        foreach (var minute in new[] { 1, 2, 3 })
        {
            await w.SignalAsync(c, SignalKind.Thumb, ImpactWorld.At(D1, 12, minute), up: true);
        }

        await w.RefreshAsync();

        async Task<(int Signals, double? Rate, string Modes, int Triaged)> Look(ImpactFilter f)
        {
            var d = await w.DashboardAsync(f);
            return (d.Volume.Sum(k => k.Counts[0]), d.NegativeRate[0], string.Join(",", d.Pareto.Select(p => $"{p.Key}={p.Negative}")), d.TimeToTriage[0].Counted);
        }

        var all = new ImpactFilter(w.App, D1, D1);
        Assert.Equal((8, 3 / 8.0, "tone.inappropriate=2,factual.error=1", 2), await Look(all));
        Assert.Equal((5, 1 / 5.0, "factual.error=1", 1), await Look(all with { Role = "customer" }));
        Assert.Equal((3, 2 / 3.0, "tone.inappropriate=2", 1), await Look(all with { Role = "agent" }));
        Assert.Equal((5, 3 / 5.0, "tone.inappropriate=2,factual.error=1", 2), await Look(all with { TaskType = "refund" }));
        Assert.Equal((3, 0.0, "", 0), await Look(all with { TaskType = "billing" }));
        Assert.Equal((6, 2 / 6.0, "tone.inappropriate=2", 1), await Look(all with { Channel = "mobile" }));
        Assert.Equal((5, 1 / 5.0, "factual.error=1", 1), await Look(all with { Locale = "en-GB" }));
        Assert.Equal((3, 2 / 3.0, "tone.inappropriate=2", 1), await Look(all with { Locale = "de-DE", ModelVersion = "m2" }));
        Assert.Equal((0, null, "", 0), await Look(all with { Locale = "de-DE", ModelVersion = "m1" }));
        Assert.Equal((2, 1 / 2.0, "factual.error=1", 1), await Look(all with { Role = "customer", TaskType = "refund" }));
        Assert.Equal((3, 0.0, "", 0), await Look(all with { Role = "customer", Channel = "mobile", Locale = "en-GB" }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RecomputeDay_SeveralAtOnceWhileSignalsArrive_LeavesOneSetOfRowsThatCountsEverySignal(string provider)
    {
        await using var w = await ImpactWorld.StartAsync(provider);
        var turn = await w.TurnAsync(ImpactWorld.At(D1, 9));
        await w.SignalAsync(turn, SignalKind.Thumb, ImpactWorld.At(D1, 10), up: false);
        await w.RefreshAsync();
        await using (var db = await w.DbAsync())
        {
            Assert.Equal(1, await db.ImpactSignalDays.Where(r => r.Grain == ImpactGrain.Summary).SumAsync(r => r.Signals, Ct));
        }

        // Four recomputes of the same day race (SQLite reads them outside the writer lock) while signals keep coming.
        var rollup = w.Host.Services.GetRequiredService<ImpactRollup>();
        var recomputes = Enumerable.Range(0, 4).Select(_ => Task.Run(() => rollup.RecomputeDayAsync(w.App, D1, Ct), Ct)).ToList();
        for (var i = 0; i < 5; i++)
        {
            await w.SignalAsync(turn, SignalKind.Thumb, ImpactWorld.At(D1, 11, i), up: true);
        }

        await Task.WhenAll(recomputes);
        await rollup.RecomputeDayAsync(w.App, D1, Ct); // and once more after the last signal

        await using (var db = await w.DbAsync())
        {
            // One set of rows: each grain sums to the day's 6 signals, never twice that.
            foreach (var grain in Enum.GetValues<ImpactGrain>())
            {
                Assert.Equal(6, await db.ImpactSignalDays.Where(r => r.ApplicationId == w.App && r.Day == D1 && r.Grain == grain).SumAsync(r => r.Signals, Ct));
            }
        }

        var d = await w.DashboardAsync(D1, D1);
        Assert.Equal(1 / 6.0, d.NegativeRate[0]!.Value, 6);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Dashboard_NoData_EmptyChartsWithoutRates(string provider)
    {
        await using var w = await ImpactWorld.StartAsync(provider);
        await w.RefreshAsync();

        var d = await w.DashboardAsync(D1, D1.AddDays(6));

        Assert.False(d.HasSignals);
        Assert.All(d.NegativeRate, Assert.Null);
        Assert.Empty(d.Pareto);
        Assert.Empty(d.Releases);
        Assert.Empty(d.TopCorrections);
        Assert.Equal([0], d.CorrectionsReleased);
        Assert.Equal([0], Assert.IsType<int[]>(d.EndUsersNotified)); // one empty week: nobody notified (NotifiedUsersTests counts real rows)
        Assert.Null(d.TimeToTriage.Single().P50);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Rollup_Polarity_MatchesSignalPolarityForEveryKind(string provider)
    {
        await using var w = await ImpactWorld.StartAsync(provider);
        var turn = await w.TurnAsync(ImpactWorld.At(D1, 9));
        var variants = new List<Signal>
        {
            new() { Kind = SignalKind.Thumb, ThumbUp = true }, new() { Kind = SignalKind.Thumb, ThumbUp = false },
            new() { Kind = SignalKind.Rating, Rating = 1 }, new() { Kind = SignalKind.Rating, Rating = 2 }, new() { Kind = SignalKind.Rating, Rating = 3 },
            new() { Kind = SignalKind.Rating, Rating = 4 }, new() { Kind = SignalKind.Rating, Rating = 5 },
            new() { Kind = SignalKind.Flag, Flag = FlagCategory.Safety }, new() { Kind = SignalKind.Comment }, new() { Kind = SignalKind.Correction },
            new() { Kind = SignalKind.Rejection }, new() { Kind = SignalKind.Reformulation }, new() { Kind = SignalKind.Copy }, new() { Kind = SignalKind.Dwell },
            new() { Kind = SignalKind.Regenerate }, new() { Kind = SignalKind.Abandon },
        };
        foreach (var v in variants)
        {
            await w.SignalAsync(turn, v.Kind, ImpactWorld.At(D1, 10), up: v.ThumbUp, rating: v.Rating, flag: v.Flag);
        }

        await w.RefreshAsync();
        await using var db = await w.DbAsync();
        var rows = await db.ImpactSignalDays.Where(r => r.Grain == ImpactGrain.Summary).ToListAsync(Ct);

        foreach (var kind in Enum.GetValues<SignalKind>())
        {
            var expected = variants.Where(v => v.Kind == kind).Select(SignalPolarity.Of).ToList();
            var row = rows.SingleOrDefault(r => r.Kind == kind);
            Assert.Equal((expected.Count, expected.Count(p => p > 0), expected.Count(p => p < 0)), (row?.Signals ?? 0, row?.Positive ?? 0, row?.Negative ?? 0));
        }
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Dashboard_ReleasedCorrection_ReleaseMarkerServedCountAndSatisfactionBeforeAfter(string provider)
    {
        await using var w = await ImpactWorld.StartAsync(provider);
        var releaseDay = D1.AddDays(10);
        // Before the release: a complaint case with factual.outdated (1 good, 3 bad on it).
        var complaint = await w.TurnAsync(ImpactWorld.At(D1, 9));
        await w.SignalAsync(complaint, SignalKind.Thumb, ImpactWorld.At(D1, 10), up: false);
        await w.SignalAsync(complaint, SignalKind.Rating, ImpactWorld.At(D1, 10), rating: 1);
        await w.SignalAsync(complaint, SignalKind.Correction, ImpactWorld.At(D1, 10));
        await w.SignalAsync(complaint, SignalKind.Copy, ImpactWorld.At(D1, 11));
        var kase = await w.CaseAsync(complaint, ImpactWorld.At(D1, 10), modes: ["factual.outdated"]);

        var (entry, revision, release) = await ReleaseCorrectionAsync(w, kase, ImpactWorld.At(releaseDay, 14));
        // After: two interactions that retrieved the new entry; 3 good, 1 bad.
        foreach (var up in new[] { true, true, false })
        {
            var t = await w.TurnAsync(ImpactWorld.At(releaseDay.AddDays(1), 9), entries: [entry.ToString()]);
            await w.SignalAsync(t, SignalKind.Thumb, ImpactWorld.At(releaseDay.AddDays(1), 10), up: up);
        }

        await w.SignalAsync(await w.TurnAsync(ImpactWorld.At(releaseDay.AddDays(2), 9), entries: [entry.ToString()]), SignalKind.Copy, ImpactWorld.At(releaseDay.AddDays(2), 10));
        await w.RefreshAsync();

        var d = await w.DashboardAsync(D1, releaseDay.AddDays(6));

        var marker = Assert.Single(d.Releases);
        Assert.Equal((release, "support-facts v1"), (marker.ReleaseId, marker.Label));
        var top = Assert.Single(d.TopCorrections);
        Assert.Equal((revision, 42L), (top.RevisionId, top.TimesServed));
        Assert.Equal((3, 1), (top.Outcome.After.Positive, top.Outcome.After.Negative));
        Assert.Null(top.Outcome.Before); // a new entry: nothing used it before
        Assert.Equal(["factual.outdated"], top.FailureModes);
        // factual.outdated complaints: 3 of the 4 good-or-bad signals in the 28 days before; none of the 4 after.
        Assert.Equal((0.75, 0.0), (top.Outcome.ModeShareBefore, top.Outcome.ModeShareAfter));
        Assert.Equal([0, 1, 0], d.CorrectionsReleased); // the release day is in the second of three weeks

        var detail = await w.Host.InScopeAsync<GetCorrectionImpact, GetCorrectionImpact.Detail?>(h => h.HandleAsync(revision, Ct));
        Assert.NotNull(detail);
        Assert.Equal([kase], detail.Cases.Select(c => c.Id));
        Assert.Equal(4, detail.Signals.Count);
        Assert.Equal(1, detail.EndUserCount);
        Assert.Equal([(releaseDay, 40L), (releaseDay.AddDays(1), 2L)], detail.Served.Select(s => (s.Day, s.Count)));
        Assert.Equal(0.75, detail.Outcome!.After.Share);
        Assert.Equal(0.75, detail.Outcome.ModeShareBefore);
        Assert.Equal(0, detail.NotificationsSent); // the world writes no notifications
    }

    /// <summary>A knowledge base with a correction from <paramref name="kase"/> released Live at <paramref name="liveAt"/>, served 40 + 2 times.</summary>
    private static async Task<(Guid Entry, Guid Revision, Guid Release)> ReleaseCorrectionAsync(ImpactWorld w, long kase, DateTimeOffset liveAt)
    {
        var author = await new CaseSeed(w.Host.Services).UserAsync("rita@example.test", "Rita");
        await using var db = await w.DbAsync();
        var kb = new Domain.KnowledgeBase
        {
            Id = Guid.NewGuid(), ApplicationId = w.App, Key = "support-facts", Name = "Support facts", Kind = KnowledgeBaseKind.Facts,
            CreatedAt = liveAt.AddDays(-30), UpdatedAt = liveAt, Version = Guid.NewGuid(),
        };
        var entry = new KnowledgeEntry { Id = Guid.NewGuid(), KnowledgeBaseId = kb.Id, Title = "Refund window", CreatedById = author, CreatedAt = liveAt.AddDays(-1), UpdatedAt = liveAt };
        var revision = new EntryRevision
        {
            Id = Guid.NewGuid(), EntryId = entry.Id, KnowledgeBaseId = kb.Id, Number = 1, Change = RevisionChange.Create, State = RevisionState.Approved,
            Title = "Refund window", Content = "Refunds within 30 days.", Summary = "from case", AuthorId = author, CreatedAt = liveAt.AddDays(-1),
            Sources = [new RevisionSource { CaseId = kase }],
        };
        var release = new Release
        {
            Id = Guid.NewGuid(), KnowledgeBaseId = kb.Id, Number = 1, State = ReleaseState.Live, CreatedById = author, CreatedAt = liveAt.AddHours(-1),
            LiveAt = liveAt, EntryCount = 1, Version = Guid.NewGuid(),
        };
        entry.ApprovedRevisionId = revision.Id;
        kb.LiveReleaseId = release.Id;
        db.AddRange(kb, entry, revision, release, new ReleaseEntry { ReleaseId = release.Id, EntryId = entry.Id, RevisionId = revision.Id });
        var hour = new DateTimeOffset(liveAt.UtcDateTime.Date, TimeSpan.Zero).AddHours(liveAt.Hour);
        db.EntryServingTallies.AddRange(
            new EntryServingTally { ReleaseId = release.Id, EntryId = entry.Id, RevisionId = revision.Id, KnowledgeBaseId = kb.Id, ApplicationId = w.App, Hour = hour, Count = 40 },
            new EntryServingTally { ReleaseId = release.Id, EntryId = entry.Id, RevisionId = revision.Id, KnowledgeBaseId = kb.Id, ApplicationId = w.App, Hour = hour.AddDays(1), Count = 2 });
        await db.SaveChangesAsync(Ct);
        return (entry.Id, revision.Id, release.Id);
    }
}
