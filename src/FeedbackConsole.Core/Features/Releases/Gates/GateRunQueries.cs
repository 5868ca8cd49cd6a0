using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases.Gates;

/// <summary>Reads of gate runs shared by the release page and its progress refresh.</summary>
internal static class GateRunQueries
{
    public static async Task<GateRunSummary?> LatestAsync(FeedbackDbContext db, Guid releaseId, CancellationToken cancellationToken)
    {
        // Newest first by start time; SQLite cannot order DateTimeOffset in SQL, so the few runs of a release are ordered here.
        var runs = await db.GateRuns.AsNoTracking().Where(g => g.ReleaseId == releaseId).ToListAsync(cancellationToken);
        var run = runs.OrderByDescending(g => g.StartedAt).FirstOrDefault();
        if (run is null)
        {
            return null;
        }

        var baseline = run.BaselineReleaseId is { } b
            ? await db.Releases.AsNoTracking().Where(r => r.Id == b).Select(r => (int?)r.Number).FirstOrDefaultAsync(cancellationToken)
            : null;
        var names = await PeopleNames.LoadAsync(db, [run.StartedById], cancellationToken);
        return new GateRunSummary(
            run.Id, run.State, run.TotalCases, run.CompletedCases, run.K, baseline, run.CandidateRecallAtK, run.CandidateMrr, run.CandidatePassRate,
            run.BaselineRecallAtK, run.BaselineMrr, run.BaselinePassRate, run.RegressionCount, run.FixCount, run.UnfixedCorrectionCount, run.Passed,
            [.. (run.FailureReasons ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            run.Error, names.GetValueOrDefault(run.StartedById, "someone"), run.StartedAt, run.CompletedAt);
    }
}
