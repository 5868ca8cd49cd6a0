using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;

namespace FeedbackConsole.Core.Tests.Features.KnowledgeBases.Retrieval;

public sealed class EvalRunnerTests
{
    internal static readonly Guid E1 = RetrievalIndexTests.G(1), E2 = RetrievalIndexTests.G(2), E3 = RetrievalIndexTests.G(3), E4 = RetrievalIndexTests.G(4), E5 = RetrievalIndexTests.G(5);

    // Ranks for "laptop battery": E1 (both words, 3 terms) 1st, E2 (laptop, 3 terms) 2nd, E3 (battery, 4 terms) 3rd.
    internal static readonly RetrievalDocument[] Live =
    [
        RetrievalIndexTests.Doc(E1, "", "laptop battery replacement"),
        RetrievalIndexTests.Doc(E2, "", "laptop screen repair"),
        RetrievalIndexTests.Doc(E3, "", "phone battery replacement warranty"),
        RetrievalIndexTests.Doc(E4, "", "gift card balance"),
    ];

    internal static readonly GuardSet Guards = GuardSet.Build([new GuardRule(RetrievalIndexTests.G(100), Guid.NewGuid(), "No promises", GuardRuleType.ForbiddenPhrase, "guaranteed refund", "")]);

    internal static EvalCaseSpec Retrieval(int n, string query, Guid[] expected, string? text = null) =>
        new(RetrievalIndexTests.G(500 + n), EvalCaseKind.Retrieval, query, expected, text, null, null, null);

    internal static EvalCaseSpec Guard(int n, string output, bool expectViolation) =>
        new(RetrievalIndexTests.G(500 + n), EvalCaseKind.Guard, null, [], null, null, output, expectViolation);

    internal static readonly EvalCaseSpec[] Suite =
    [
        Retrieval(1, "gift card", [E4]),                     // rank 1, recall 1, pass
        Retrieval(2, "laptop battery", [E2]),                // rank 2, recall 1, pass
        Retrieval(3, "battery replacement", [E4, E3]),       // E3 at rank 2, E4 absent: recall 0.5, RR 0.5, fail
        Retrieval(4, "tablet", [E5]),                        // nothing: recall 0, RR 0, fail
        Retrieval(5, "gift card", [], "Card  BALANCE"),      // text at rank 1: recall 1, pass
        Guard(6, "We offer a guaranteed refund.", true),     // caught: pass
        Guard(7, "A calm, accurate answer.", true),          // not caught: fail
        Guard(8, "Hello there.", false),                     // passes: pass
    ];

    [Fact]
    public void Run_SmallSuite_MetricsMatchTheHandComputedValues()
    {
        var run = EvalRunner.Run(RetrievalIndex.Build(Live), Guards, Suite, 2, null, TestContext.Current.CancellationToken);

        Assert.Equal([true, true, false, false, true, true, false, true], run.Cases.Select(c => c.Passed));
        Assert.Equal([1, 2, 2, null, 1, null, null, null], run.Cases.Select(c => c.Rank));
        Assert.Equal([1.0, 1.0, 0.5, 0.0, 1.0], run.Cases.Take(5).Select(c => c.Recall!.Value));
        Assert.Equal([E1, E2], run.Cases[1].RetrievedEntryIds);
        var m = run.Metrics;
        Assert.Equal((8, 5, 3, 5), (m.Cases, m.RetrievalCases, m.GuardCases, m.PassedCases));
        Assert.Equal((1 + 1 + 0.5 + 0 + 1) / 5, m.RecallAtK!.Value, 10);   // 0.7
        Assert.Equal((1 + 0.5 + 0.5 + 0 + 1) / 5, m.Mrr!.Value, 10);       // 0.6
        Assert.Equal(5.0 / 8, m.PassRate!.Value, 10);
    }

    [Fact]
    public void Run_FailedCases_SayWhyInWords()
    {
        var run = EvalRunner.Run(RetrievalIndex.Build(Live), Guards, Suite, 2, null, TestContext.Current.CancellationToken);

        Assert.Equal("Found at rank 2.", run.Cases[1].Detail);
        Assert.Equal("1 of 2 expected entries not in the top 2 (first relevant hit at rank 2).", run.Cases[2].Detail);
        Assert.Equal("Nothing retrieved: 1 of 1 expected entries not in the top 2.", run.Cases[3].Detail);
        Assert.Equal("Passed, but the guards should have caught it.", run.Cases[6].Detail);
    }

    [Fact]
    public void Run_CaseWithoutQueryOrExpectation_FailsWithADetail()
    {
        EvalCaseSpec[] cases =
        [
            new(Guid.NewGuid(), EvalCaseKind.Retrieval, " ", [E1], null, null, null, null),
            new(Guid.NewGuid(), EvalCaseKind.Retrieval, "laptop", [], null, null, null, null),
            new(Guid.NewGuid(), EvalCaseKind.Guard, null, [], null, null, "text", null),
        ];

        var run = EvalRunner.Run(RetrievalIndex.Build(Live), Guards, cases, 5, null, TestContext.Current.CancellationToken);

        Assert.All(run.Cases, c => Assert.False(c.Passed));
        Assert.Equal(["The case has no query.", "The case expects neither entries nor text.", "The case does not say whether the output must be caught or must pass."],
            run.Cases.Select(c => c.Detail));
    }

    [Fact]
    public void Run_TaskTypeOfARetrievalCase_FiltersTheSearch()
    {
        var index = RetrievalIndex.Build(
        [
            new RetrievalDocument(E1, Guid.NewGuid(), 1, "", "out", "billing", "invoice question"),
            new RetrievalDocument(E2, Guid.NewGuid(), 1, "", "out", "shipping", "invoice question"),
        ]);
        var spec = new EvalCaseSpec(Guid.NewGuid(), EvalCaseKind.Retrieval, "invoice", [E2], null, "shipping", null, null);

        var result = Assert.Single(EvalRunner.Run(index, null, [spec], 1, null, TestContext.Current.CancellationToken).Cases);

        Assert.True(result.Passed);
        Assert.Equal([E2], result.RetrievedEntryIds);
    }

    [Fact]
    public void Run_Progress_IsReportedUpToTheCaseCount()
    {
        var cases = Enumerable.Range(0, 250).Select(i => Retrieval(i, "gift card", [E4])).ToList();
        var reports = new List<int>();

        EvalRunner.Run(RetrievalIndex.Build(Live), null, cases, 3, new SyncProgress(reports.Add), TestContext.Current.CancellationToken);

        Assert.Equal(250, reports[^1]);
        Assert.InRange(reports.Count, 2, 130);
        Assert.Equal(reports.Order(), reports);
    }

    [Fact]
    public void Run_Cancelled_Throws()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.Throws<OperationCanceledException>(() => EvalRunner.Run(RetrievalIndex.Build(Live), Guards, Suite, 2, null, cancel.Token));
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
