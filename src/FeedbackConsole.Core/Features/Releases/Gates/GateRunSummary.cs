using FeedbackConsole.Core.Domain;

namespace FeedbackConsole.Core.Features.Releases.Gates;

/// <summary>One gate run as the release page shows it: progress while running, metrics and verdict when done.</summary>
public sealed record GateRunSummary(
    Guid Id,
    GateRunState State,
    int TotalCases,
    int CompletedCases,
    int K,
    int? BaselineNumber,
    double? CandidateRecallAtK,
    double? CandidateMrr,
    double? CandidatePassRate,
    double? BaselineRecallAtK,
    double? BaselineMrr,
    double? BaselinePassRate,
    int RegressionCount,
    int FixCount,
    int UnfixedCorrectionCount,
    bool? Passed,
    IReadOnlyList<string> FailureReasons,
    string? Error,
    string StartedBy,
    DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt)
{
    public bool IsRunning => State == GateRunState.Running;

    /// <summary>0–100.</summary>
    public double Percent => TotalCases == 0 ? (IsRunning ? 0 : 100) : 100.0 * CompletedCases / TotalCases;
}
