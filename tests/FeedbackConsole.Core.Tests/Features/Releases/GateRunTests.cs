using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Releases;
using FeedbackConsole.Core.Features.Releases.EvalSuites;
using FeedbackConsole.Core.Features.Releases.Gates;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.Releases;

/// <summary>Gate runs with the real engine: metrics, regressions, correction checks, thresholds, verdict, recovery.</summary>
public sealed class GateRunTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<Guid> EvalAsync(ReleaseWorld w, string name, string query, params Guid[] expected)
    {
        var saved = await w.Run<SaveEvalCase, Result<Guid>>(h => h.HandleAsync(
            w.Kb, null, new EvalCaseDraft(EvalCaseKind.Retrieval, name, query, expected, null, null, null, null), w.Reviewer, Ct));
        Assert.True(saved.Succeeded, saved.Error);
        return saved.Value;
    }

    private static async Task<GateRun> RunGateAsync(ReleaseWorld w, Guid releaseId)
    {
        var started = await w.Run<StartGateRun, Result<Guid>>(h => h.HandleAsync(releaseId, w.Lead, Ct));
        Assert.True(started.Succeeded, started.Error);
        var running = await w.ReadAsync(db => db.GateRuns.AsNoTracking().FirstAsync(g => g.Id == started.Value, Ct));
        Assert.Equal(GateRunState.Running, running.State);
        await w.Run<GateRunner, bool>(async h =>
        {
            await h.ExecuteAsync(started.Value, Ct);
            return true;
        });
        return await w.ReadAsync(db => db.GateRuns.AsNoTracking().FirstAsync(g => g.Id == started.Value, Ct));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task GateRun_CandidateDropsAnEntry_ReportsTheRegressionAndFails(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        var (refund, _) = await w.EntryAsync("Refund window", "Refunds are accepted within 14 days of delivery.");
        var (shipping, _) = await w.EntryAsync("Shipping times", "Parcels ship within two working days.");
        await w.ShipAsync();
        var refundCase = await EvalAsync(w, "Refunds", "refund window days", refund);
        var shippingCase = await EvalAsync(w, "Shipping", "when do parcels ship", shipping);
        var source = await w.Seed.CaseAsync(w.App, input: "How many days do I have to ask for a refund?", output: "14 days.", status: CaseStatus.Approved);
        await w.ReviseAsync(refund, "Refunds are accepted within 30 days of delivery.", sourceCases: [source]);
        await w.ReviseAsync(shipping, "", retire: true);
        var candidate = await w.BuildAsync();

        var run = await RunGateAsync(w, candidate);

        Assert.Equal(GateRunState.Completed, run.State);
        Assert.Equal((2, 2), (run.TotalCases, run.CompletedCases));
        Assert.Equal((1, 0, 0), (run.RegressionCount, run.FixCount, run.UnfixedCorrectionCount));
        Assert.Equal(1.0, run.BaselinePassRate);
        Assert.Equal(0.5, run.CandidatePassRate);
        Assert.False(run.Passed);
        Assert.Equal("1 regression (max 0).", run.FailureReasons);
        var results = await w.ReadAsync(db => db.GateCaseResults.AsNoTracking().Where(r => r.GateRunId == run.Id).ToListAsync(Ct));
        Assert.True(results.Single(r => r.EvalCaseId == shippingCase).IsRegression);
        Assert.False(results.Single(r => r.EvalCaseId == refundCase).IsRegression);
        Assert.Equal(1, results.Single(r => r.EvalCaseId == refundCase).CandidateRank);
        var correction = Assert.Single(await w.ReadAsync(db => db.GateCorrectionResults.AsNoTracking().Where(c => c.GateRunId == run.Id).ToListAsync(Ct)));
        Assert.Equal(source, correction.CaseId);
        Assert.True(correction.Fixed, correction.Detail);
        var release = await w.ReleaseAsync(candidate);
        Assert.Equal((ReleaseState.Gated, GateOutcome.Failed, run.Id), (release.State, release.Gate, release.LatestGateRunId));
        Assert.Equal(
            [ReleaseActions.Built, ReleaseActions.GateStarted, ReleaseActions.GateFailed],
            (await w.AuditAsync(ReleaseActions.ReleaseEntity, candidate.ToString())).Select(e => e.Action));
        var page = await w.Run<GetGateResults, GetGateResults.Page>(h => h.HandleAsync(run.Id, changedOnly: false, 0, 10, Ct));
        Assert.Equal("Shipping", page.Rows[0].Name); // regressions first
        Assert.True(page.Rows[0].IsRegression);
        Assert.Single(page.Corrections);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task GateRun_CorrectionThatDoesNotRetrieveForItsCase_FailsTheGate(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        var source = await w.Seed.CaseAsync(w.App, input: "Can I pay with crypto?", output: "No idea.", status: CaseStatus.Approved);
        var (refund, _) = await w.EntryAsync("Refund window", "Refunds are accepted within 30 days.", sourceCases: [source]);
        await EvalAsync(w, "Refunds", "refund window", refund);
        var candidate = await w.BuildAsync();

        var run = await RunGateAsync(w, candidate);

        Assert.False(run.Passed);
        Assert.Equal(1, run.UnfixedCorrectionCount);
        Assert.Equal(1, run.FixCount); // the eval case fails on the empty baseline of a first release
        Assert.Equal("1 new correction does not yet fix the case it came from.", run.FailureReasons);
        var correction = Assert.Single(await w.ReadAsync(db => db.GateCorrectionResults.AsNoTracking().ToListAsync(Ct)));
        Assert.False(correction.Fixed);
        Assert.Contains("is not in the top 5", correction.Detail, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task GateRun_Guards_NewRuleCatchesItsCaseAndThresholdsPass(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider, KnowledgeBaseKind.Guards);
        await using (var db = await w.DbAsync())
        {
            await db.KnowledgeBases.Where(k => k.Id == w.Kb).ExecuteUpdateAsync(s => s.SetProperty(k => k.MinPassRate, 1.0), Ct);
        }

        var source = await w.Seed.CaseAsync(w.App, input: "Refund?", output: "You get a guaranteed refund, always.", status: CaseStatus.Approved);
        await w.EntryAsync("No guarantees", "guaranteed refund", guard: GuardRuleType.ForbiddenPhrase, sourceCases: [source]);
        foreach (var (output, caught) in new[] { ("A guaranteed refund for everyone!", true), ("Refunds are reviewed case by case.", false) })
        {
            var saved = await w.Run<SaveEvalCase, Result<Guid>>(h => h.HandleAsync(
                w.Kb, null, new EvalCaseDraft(EvalCaseKind.Guard, null, null, [], null, null, output, caught), w.Reviewer, Ct));
            Assert.True(saved.Succeeded, saved.Error);
        }

        var candidate = await w.BuildAsync();
        var run = await RunGateAsync(w, candidate);

        Assert.True(run.Passed, run.FailureReasons);
        Assert.Equal(1.0, run.CandidatePassRate);
        Assert.Equal(0.5, run.BaselinePassRate);
        Assert.True(Assert.Single(await w.ReadAsync(db => db.GateCorrectionResults.AsNoTracking().ToListAsync(Ct))).Fixed);
        Assert.Equal(GateOutcome.Passed, (await w.ReleaseAsync(candidate)).Gate);
        var promoted = await w.Run<PromoteRelease, Result>(h => h.HandleAsync(candidate, PromotionTarget.Live, w.Lead, Ct));
        Assert.True(promoted.Succeeded, promoted.Error);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task StartGateRun_WhileOneRuns_IsRefusedAndPromotionWaits(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        await w.EntryAsync("Refund window", "Refunds within 30 days.");
        var candidate = await w.BuildAsync();
        await w.GateAsync(candidate, GateOutcome.Passed);
        var first = await w.Run<StartGateRun, Result<Guid>>(h => h.HandleAsync(candidate, w.Lead, Ct));

        var second = await w.Run<StartGateRun, Result<Guid>>(h => h.HandleAsync(candidate, w.Lead, Ct));
        var promote = await w.Run<PromoteRelease, Result>(h => h.HandleAsync(candidate, PromotionTarget.Live, w.Lead, Ct));
        var byReviewer = await w.Run<StartGateRun, Result<Guid>>(h => h.HandleAsync(candidate, w.Reviewer, Ct));

        Assert.True(first.Succeeded);
        Assert.Equal("A gate run of release 1 is already in progress.", second.Error);
        Assert.Equal("A gate run of release 1 is in progress: wait for its verdict.", promote.Error);
        Assert.Equal(ReleaseRules.LeadsOnly, byReviewer.Error);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task GateRunWorker_RunLeftRunningByADeadProcess_IsMarkedErroredOnStart(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        await w.EntryAsync("Refund window", "Refunds within 30 days.");
        var candidate = await w.BuildAsync();
        var started = await w.Run<StartGateRun, Result<Guid>>(h => h.HandleAsync(candidate, w.Lead, Ct));

        var recovered = await w.Host.Services.GetRequiredService<GateRunWorker>().RecoverAsync(Ct);

        Assert.Equal(1, recovered);
        var run = await w.ReadAsync(db => db.GateRuns.AsNoTracking().FirstAsync(g => g.Id == started.Value, Ct));
        Assert.Equal(GateRunState.Errored, run.State);
        Assert.Equal(GateRunWorker.InterruptedMessage, run.Error);
        Assert.Equal(ReleaseState.Candidate, (await w.ReleaseAsync(candidate)).State);
        var again = await w.Run<StartGateRun, Result<Guid>>(h => h.HandleAsync(candidate, w.Lead, Ct));
        Assert.True(again.Succeeded, again.Error);
    }
}
