using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases.Gates;

/// <summary>A gate run's per-case results (regressions first) one page at a time, and its correction checks.</summary>
public sealed class GetGateResults(IDbContextFactory<FeedbackDbContext> contexts)
{
    public const int MaxPageSize = 100;

    public sealed record CaseRow(
        Guid EvalCaseId, string Name, EvalCaseKind Kind, string? Query, bool BaselinePassed, bool CandidatePassed, int? BaselineRank, int? CandidateRank,
        bool IsRegression, bool IsFix, string? Detail);

    public sealed record CorrectionRow(Guid RevisionId, Guid EntryId, string EntryTitle, long CaseId, bool Fixed, string Detail);

    public sealed record Page(IReadOnlyList<CaseRow> Rows, int Total, IReadOnlyList<CorrectionRow> Corrections);

    /// <summary>Cases of the run: all, or only those whose outcome differs between live and candidate (<paramref name="changedOnly"/>).</summary>
    public async Task<Page> HandleAsync(Guid gateRunId, bool changedOnly, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var results = db.GateCaseResults.AsNoTracking().Where(r => r.GateRunId == gateRunId);
        if (changedOnly)
        {
            results = results.Where(r => r.IsRegression || r.IsFix);
        }

        var total = await results.CountAsync(cancellationToken);
        var rows = await results
            .Join(db.EvalCases, r => r.EvalCaseId, c => c.Id, (r, c) => new { r, c.Name, c.Kind, c.Query, c.Output })
            .OrderByDescending(x => x.r.IsRegression)
            .ThenBy(x => x.r.CandidatePassed)
            .ThenByDescending(x => x.r.IsFix)
            .ThenBy(x => x.Name)
            .ThenBy(x => x.r.EvalCaseId)
            .Skip(Math.Max(0, page) * pageSize)
            .Take(pageSize)
            .Select(x => new CaseRow(x.r.EvalCaseId, x.Name, x.Kind, x.Query ?? x.Output, x.r.BaselinePassed, x.r.CandidatePassed, x.r.BaselineRank,
                x.r.CandidateRank, x.r.IsRegression, x.r.IsFix, x.r.Detail))
            .ToListAsync(cancellationToken);
        var corrections = await db.GateCorrectionResults.AsNoTracking()
            .Where(c => c.GateRunId == gateRunId)
            .Join(db.EntryRevisions, c => c.RevisionId, r => r.Id, (c, r) => new { c.RevisionId, r.EntryId, r.Title, c.CaseId, c.Fixed, c.Detail })
            .OrderBy(c => c.Fixed)
            .ThenBy(c => c.CaseId)
            .Take(200)
            .Select(c => new CorrectionRow(c.RevisionId, c.EntryId, c.Title, c.CaseId, c.Fixed, c.Detail))
            .ToListAsync(cancellationToken);
        return new Page(rows, total, corrections);
    }
}
