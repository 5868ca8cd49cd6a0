using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;
using static FeedbackConsole.Core.Tests.Features.KnowledgeBases.Retrieval.EvalRunnerTests;

namespace FeedbackConsole.Core.Tests.Features.KnowledgeBases.Retrieval;

public sealed class GateComparisonTests
{
    [Fact]
    public void Compare_CandidateRetiresOneEntryAndAddsAnother_ReportsTheRegressionAndTheFix()
    {
        // The candidate retires E4 (gift cards) and adds E5 (tablets).
        var candidateDocs = Live.Where(d => d.EntryId != E4).Append(RetrievalIndexTests.Doc(E5, "Tablets", "tablet charger")).ToList();
        var live = EvalRunner.Run(RetrievalIndex.Build(Live), Guards, Suite, 2, null, TestContext.Current.CancellationToken);
        var candidate = EvalRunner.Run(RetrievalIndex.Build(candidateDocs), Guards, Suite, 2, null, TestContext.Current.CancellationToken);

        var comparison = GateComparison.Compare(live, candidate);

        Assert.Equal([Suite[0].Id, Suite[4].Id], comparison.Regressions.Select(r => r.CaseId));
        Assert.Equal([Suite[3].Id], comparison.Fixes.Select(f => f.CaseId));
        Assert.True(comparison.Regressions[0].Live!.Passed);
        Assert.False(comparison.Regressions[0].Candidate.Passed);
        // Pass rate 5/8 → 4/8; recall 0.7 → (0 + 1 + 0.5 + 1 + 0) / 5 = 0.5.
        Assert.Equal(-1.0 / 8, comparison.PassRateDelta!.Value, 10);
        Assert.Equal(0.5 - 0.7, comparison.RecallAtKDelta!.Value, 10);
    }

    [Fact]
    public void Compare_FirstReleaseAgainstAnEmptyBaseline_HasNoRegressions()
    {
        var baseline = EvalRunner.Run(RetrievalIndex.Empty, GuardSet.Empty, Suite, 2, null, TestContext.Current.CancellationToken);
        var candidate = EvalRunner.Run(RetrievalIndex.Build(Live), Guards, Suite, 2, null, TestContext.Current.CancellationToken);

        var comparison = GateComparison.Compare(baseline, candidate);

        Assert.Empty(comparison.Regressions);
        // Retrieval cases that pass and the guard case that must be caught are fixes; the output that must pass
        // passes on both, so it is neither.
        Assert.Equal([Suite[0].Id, Suite[1].Id, Suite[4].Id, Suite[5].Id], comparison.Fixes.Select(f => f.CaseId));
        Assert.Equal(0.0, baseline.Metrics.RecallAtK);
        Assert.Equal(0.7, comparison.RecallAtKDelta!.Value, 10);
    }

    [Fact]
    public void Evaluate_MetricsBelowThresholdsAndRegressions_GiveReadableReasons()
    {
        var comparison = Comparison(candidateRecalls: [.. Enumerable.Repeat(1.0, 41), .. Enumerable.Repeat(0.0, 9)], regressions: 2);

        var verdict = new GateThresholds(MinRecallAtK: 0.90, MinMrr: 0.5, MinPassRate: null, MaxRegressions: 0).Evaluate(comparison);

        Assert.False(verdict.Passed);
        Assert.Equal(["recall@5 0.82 is below the threshold 0.90", "2 regressions (max 0)"], verdict.Reasons);
    }

    [Fact]
    public void Evaluate_ValueJustBelowARoundThreshold_ShowsEnoughDecimals()
    {
        // 899 of 1,000 cases pass: 0.899 would print as 0.90, like the threshold.
        var comparison = Comparison(candidateRecalls: [.. Enumerable.Repeat(1.0, 899), .. Enumerable.Repeat(0.0, 101)], regressions: 1);

        var verdict = new GateThresholds(null, null, MinPassRate: 0.9, MaxRegressions: 0).Evaluate(comparison);

        Assert.Equal(["pass rate 0.8990 is below the threshold 0.9000", "1 regression (max 0)"], verdict.Reasons);
    }

    [Fact]
    public void Evaluate_AllThresholdsMet_Passes()
    {
        var comparison = Comparison(candidateRecalls: [1.0, 1.0, 0.0], regressions: 1);

        var verdict = new GateThresholds(MinRecallAtK: 0.6, MinMrr: 0.6, MinPassRate: 0.6, MaxRegressions: 1).Evaluate(comparison);

        Assert.True(verdict.Passed);
        Assert.Empty(verdict.Reasons);
    }

    [Fact]
    public void Evaluate_ThresholdThatCannotBeMeasured_FailsTheGate()
    {
        var guardsOnly = EvalRunner.Run(null, Guards, Suite.Where(c => c.Kind == EvalCaseKind.Guard).ToList(), 5, null, TestContext.Current.CancellationToken);
        var comparison = GateComparison.Compare(guardsOnly, guardsOnly);

        var verdict = new GateThresholds(MinRecallAtK: 0.8, MinMrr: null, MinPassRate: 0.5).Evaluate(comparison);

        Assert.Equal(["recall@5 could not be measured: the suite has no retrieval cases"], verdict.Reasons);
    }

    // Retrieval results with the given recalls (rank 1 when found), all passing on live; the first
    // `regressions` failing ones are regressions.
    private static GateComparison Comparison(double[] candidateRecalls, int regressions)
    {
        var ids = candidateRecalls.Select(_ => Guid.NewGuid()).ToArray();
        var regressed = Enumerable.Range(0, ids.Length).Where(i => candidateRecalls[i] < 1).Take(regressions).ToHashSet();
        var live = new EvalRun(5, ids.Select((id, i) => Result(id, regressed.Contains(i) ? 1.0 : candidateRecalls[i])).ToList());
        var candidate = new EvalRun(5, ids.Select((id, i) => Result(id, candidateRecalls[i])).ToList());
        return GateComparison.Compare(live, candidate);

        static EvalCaseResult Result(Guid id, double recall) =>
            new(id, EvalCaseKind.Retrieval, recall == 1, recall > 0 ? 1 : null, recall > 0 ? 1 : 0, recall, [], [], "");
    }
}
