using System.Globalization;

namespace FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;

/// <summary>A case whose outcome differs between live and candidate; <see cref="Live"/> is null when live did not run it.</summary>
public sealed record GateCaseChange(Guid CaseId, EvalCaseResult? Live, EvalCaseResult Candidate);

/// <summary>
/// The candidate's run against live's on the same suite: regressions (pass on live, fail on the candidate), fixes
/// (fail on live — or not run there — and pass on the candidate), and the candidate-minus-live metric deltas (null
/// where either side has no value). For a first release, run the suite against <see cref="RetrievalIndex.Empty"/>
/// and <see cref="GuardSet.Empty"/> and compare with that empty baseline: nothing can regress, and a guard case that
/// must pass passes on both.
/// </summary>
public sealed record GateComparison(
    EvalRun Live,
    EvalRun Candidate,
    IReadOnlyList<GateCaseChange> Regressions,
    IReadOnlyList<GateCaseChange> Fixes,
    double? RecallAtKDelta,
    double? MrrDelta,
    double? PassRateDelta)
{
    /// <summary>Compares two runs of one suite, case by case (by case id), in the candidate's order.</summary>
    public static GateComparison Compare(EvalRun live, EvalRun candidate)
    {
        var regressions = new List<GateCaseChange>();
        var fixes = new List<GateCaseChange>();
        foreach (var result in candidate.Cases)
        {
            var before = live.Find(result.CaseId);
            var passedBefore = before?.Passed ?? false;
            if (passedBefore && !result.Passed)
            {
                regressions.Add(new GateCaseChange(result.CaseId, before, result));
            }
            else if (!passedBefore && result.Passed)
            {
                fixes.Add(new GateCaseChange(result.CaseId, before, result));
            }
        }

        return new GateComparison(
            live, candidate, regressions, fixes,
            Delta(candidate.Metrics.RecallAtK, live.Metrics.RecallAtK),
            Delta(candidate.Metrics.Mrr, live.Metrics.Mrr),
            Delta(candidate.Metrics.PassRate, live.Metrics.PassRate));
    }

    private static double? Delta(double? candidate, double? live) => candidate - live;
}

/// <summary>The verdict of a gate: passed, or the readable reasons it failed (one sentence each).</summary>
public sealed record GateVerdict(bool Passed, IReadOnlyList<string> Reasons);

/// <summary>
/// A knowledge base's gate thresholds; a null minimum is not checked. A minimum that is set but cannot be measured
/// (recall@k or MRR without retrieval cases, a pass rate without cases) fails the gate: a gate that measured
/// nothing must not wave a release through.
/// </summary>
public sealed record GateThresholds(double? MinRecallAtK, double? MinMrr, double? MinPassRate, int MaxRegressions = 0)
{
    /// <summary>Judges a comparison's candidate by these thresholds.</summary>
    public GateVerdict Evaluate(GateComparison comparison)
    {
        var metrics = comparison.Candidate.Metrics;
        var reasons = new List<string>();
        Check($"recall@{metrics.K}", metrics.RecallAtK, MinRecallAtK, "the suite has no retrieval cases");
        Check("MRR", metrics.Mrr, MinMrr, "the suite has no retrieval cases");
        Check("pass rate", metrics.PassRate, MinPassRate, "the suite has no cases");
        var regressions = comparison.Regressions.Count;
        if (regressions > MaxRegressions)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture,
                $"{regressions} {(regressions == 1 ? "regression" : "regressions")} (max {MaxRegressions})"));
        }

        return new GateVerdict(reasons.Count == 0, reasons);

        void Check(string name, double? value, double? minimum, string unmeasurable)
        {
            if (minimum is not { } min)
            {
                return;
            }

            if (value is not { } actual)
            {
                reasons.Add($"{name} could not be measured: {unmeasurable}");
            }
            else if (actual < min)
            {
                var (shownValue, shownMin) = Shown(actual, min);
                reasons.Add($"{name} {shownValue} is below the threshold {shownMin}");
            }
        }
    }

    // Two decimals, or four when two would print the value and the threshold alike (0.899 vs 0.90).
    private static (string Value, string Minimum) Shown(double value, double minimum)
    {
        var format = value.ToString("0.00", CultureInfo.InvariantCulture) == minimum.ToString("0.00", CultureInfo.InvariantCulture) ? "0.0000" : "0.00";
        return (value.ToString(format, CultureInfo.InvariantCulture), minimum.ToString(format, CultureInfo.InvariantCulture));
    }
}
