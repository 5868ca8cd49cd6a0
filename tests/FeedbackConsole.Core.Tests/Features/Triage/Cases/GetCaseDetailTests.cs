using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage.Cases;
using FeedbackConsole.Core.Features.Triage.Queue;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Tests.Features.Triage.Cases;

public sealed class GetCaseDetailTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Handle_FullCase_ReturnsConversationSignalsDiffModesClusterHistoryAndTaxonomy(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var seed = new CaseSeed(host.Services);
        var app = await seed.ApplicationAsync();
        var dana = await seed.UserAsync("dana@example.test", "Dana");
        var t = CaseSeed.T0;
        for (var i = 0; i < 12; i++)
        {
            await seed.InteractionAsync(app, $"question {i}", $"answer {i}", "conv-1", t.AddMinutes(-60 + i));
        }

        await seed.InteractionAsync(app, "later question", "later answer", "conv-1", t.AddMinutes(5));
        await seed.InteractionAsync(app, "other conversation", "other", "conv-2", t.AddMinutes(-1));
        var cluster = await seed.ClusterAsync(app, "Refund window questions", caseCount: 3, reach: 3);
        var caseId = await seed.CaseAsync(
            app, input: "What is the refund window for [email]?", output: "The refund window is 14 days.", conversation: "conv-1", at: t,
            suggest: ["factual.error"], clusterId: cluster, redactions: 1,
            signals:
            [
                CaseSeed.Signal(SignalKind.Rating, rating: 1, dimension: "accuracy"),
                CaseSeed.Signal(SignalKind.Correction, text: "The refund window is 30 days, write to [email].", endUser: "end-user-2", redactions: 1),
                CaseSeed.Signal(SignalKind.Regenerate, derived: true),
            ]);
        var similarHigh = await seed.CaseAsync(app, input: "Refund window?", clusterId: cluster, priority: 50);
        var similarLow = await seed.CaseAsync(app, input: "How long can I return things?", clusterId: cluster, priority: 5, status: CaseStatus.Dismissed);
        await seed.CaseAsync(app, input: "Unrelated"); // no cluster

        var before = await host.InScopeAsync<GetCaseDetail, GetCaseDetail.Detail?>(h => h.HandleAsync(caseId, Ct));
        var mode = before!.FailureModes.Single().FailureModeId;
        var labeled = await host.InScopeAsync<ToggleFailureMode, CaseCommandResult>(h => h.HandleAsync(caseId, before.Stamp, mode, true, dana, Ct));
        var detail = await host.InScopeAsync<GetCaseDetail, GetCaseDetail.Detail?>(h => h.HandleAsync(caseId, Ct));

        Assert.NotNull(detail);
        Assert.Equal(labeled.Stamp, detail.Stamp);
        Assert.Equal(CaseStatus.Labeled, detail.Status);
        Assert.StartsWith("Support assistant", detail.ApplicationName, StringComparison.Ordinal);
        Assert.Equal(("What is the refund window for [email]?", "The refund window is 14 days."), (detail.Interaction.Input, detail.Interaction.Output));
        Assert.Equal(("gpt-test-1", "p-7", "support", (int?)3), (detail.Interaction.ModelVersion, detail.Interaction.PromptVersion, detail.Interaction.KnowledgeBase, detail.Interaction.KnowledgeBaseVersion));
        Assert.Equal(["kb-12", "kb-40"], detail.Interaction.UsedEntryIds);
        Assert.Equal(1, detail.Interaction.RedactionCount);

        // The ten turns just before this one, oldest first; not later turns, not other conversations.
        Assert.Equal([.. Enumerable.Range(2, 10).Select(i => $"question {i}")], detail.EarlierTurns.Select(e => e.Input));

        Assert.Equal([SignalKind.Rating, SignalKind.Correction, SignalKind.Regenerate], detail.Signals.Select(s => s.Kind));
        Assert.Equal((1, "accuracy"), (detail.Signals[0].Rating, detail.Signals[0].Dimension));
        Assert.Equal((1, "end-user-2"), (detail.Signals[1].RedactionCount, detail.Signals[1].EndUserId));
        Assert.True(detail.Signals[2].IsDerived);

        Assert.NotNull(detail.Correction);
        Assert.Equal(1, detail.Correction.Count);
        Assert.Equal("The refund window is 30 days, write to [email].", string.Concat(detail.Correction.Diff.Where(d => d.Kind != DiffKind.Deleted).Select(d => d.Text)));
        Assert.Contains(detail.Correction.Diff, d => d is { Kind: DiffKind.Deleted, Text: "14" });

        var label = Assert.Single(detail.FailureModes);
        Assert.Equal(("factual.error", true, true, "Low accuracy rating"), (label.Key, label.Confirmed, label.Suggested, label.RuleName));
        Assert.Equal("Factual", label.FamilyName);
        Assert.Contains("Low accuracy rating", label.Reason, StringComparison.Ordinal);

        Assert.Equal(new GetCaseDetail.ClusterView(cluster, "Refund window questions", 3, 3), detail.Cluster);
        Assert.Equal([similarHigh, similarLow], detail.Similar.Select(s => s.Id));
        Assert.Equal(CaseStatus.Dismissed, detail.Similar[1].Status);

        Assert.Equal(["changed the status New → Labeled", "confirmed factual.error"], detail.History.Select(h => h.What));
        Assert.All(detail.History, h => Assert.Equal("Dana", h.ActorName));

        // The picker: families are shown but not selectable; the nine shortcuts are selectable modes.
        Assert.Contains(detail.Taxonomy.Modes, m => m is { Key: "factual", Selectable: false });
        Assert.Equal(GetCaseDetail.ShortcutCount, detail.Taxonomy.MostUsed.Count);
        var selectable = detail.Taxonomy.Modes.Where(m => m.Selectable).Select(m => m.Id).ToHashSet();
        Assert.All(detail.Taxonomy.MostUsed, id => Assert.Contains(id, selectable));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Handle_MostUsed_RanksConfirmedLabelsFirst(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var seed = new CaseSeed(host.Services);
        var app = await seed.ApplicationAsync();
        var dana = await seed.UserAsync("dana@example.test", "Dana");
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await seed.CaseAsync(app));
        }

        await host.InScopeAsync<BulkLabel, BulkCaseResult>(h => h.HandleAsync(ids, "verbosity.too_long", dana, Ct));
        await host.InScopeAsync<BulkLabel, BulkCaseResult>(h => h.HandleAsync(ids.Take(2).ToList(), "tone.inappropriate", dana, Ct));

        var detail = await host.InScopeAsync<GetCaseDetail, GetCaseDetail.Detail?>(h => h.HandleAsync(ids[0], Ct));

        var keys = detail!.Taxonomy.MostUsed.Select(id => detail.Taxonomy.Modes.Single(m => m.Id == id).Key).ToList();
        Assert.Equal(["verbosity.too_long", "tone.inappropriate"], keys.Take(2));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Handle_UnknownCase_IsNull(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);

        Assert.Null(await host.InScopeAsync<GetCaseDetail, GetCaseDetail.Detail?>(h => h.HandleAsync(12345, Ct)));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Neighbours_FollowTheQueueOrderAcrossPages(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var seed = new CaseSeed(host.Services);
        var app = await seed.ApplicationAsync();
        var high = await seed.CaseAsync(app, priority: 90);
        var mid = await seed.CaseAsync(app, priority: 50);
        var low = await seed.CaseAsync(app, priority: 10);
        await seed.CaseAsync(app, priority: 70, status: CaseStatus.Dismissed); // not in the open view
        var filter = QueueFilter.Default with { ApplicationId = app, PageSize = 2 };

        var ofMid = await host.InScopeAsync<GetCaseNeighbours, GetCaseNeighbours.Result>(h => h.HandleAsync(mid, filter, "someone", Ct));
        var ofLow = await host.InScopeAsync<GetCaseNeighbours, GetCaseNeighbours.Result>(h => h.HandleAsync(low, filter with { Page = 2 }, "someone", Ct));
        var gone = await host.InScopeAsync<GetCaseNeighbours, GetCaseNeighbours.Result>(h => h.HandleAsync(999, filter, "someone", Ct));

        Assert.Equal(new GetCaseNeighbours.Neighbour(high, 1), ofMid.Previous);
        Assert.Equal(new GetCaseNeighbours.Neighbour(low, 2), ofMid.Next);
        Assert.Equal(new GetCaseNeighbours.Neighbour(mid, 1), ofLow.Previous);
        Assert.Null(ofLow.Next);
        Assert.Equal((null, new GetCaseNeighbours.Neighbour(high, 1)), (gone.Previous, gone.Next));
        _ = await seed.ReadAsync(db => db.Cases.CountAsync(Ct));
    }
}
