using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Clustering;

/// <summary>
/// The clusters of near-duplicate cases of one application, biggest first, for the Clusters page: one page of
/// them with their open cases and most frequent failure modes.
/// </summary>
public sealed class ListClusters(IDbContextFactory<FeedbackDbContext> contexts, TimeProvider time)
{
    public enum SortBy
    {
        /// <summary>Most cases first, then most end users.</summary>
        Size,

        /// <summary>Most end users first, then most cases.</summary>
        Reach,
    }

    /// <summary>
    /// One page of clusters of <c>ApplicationId</c> (null picks the application with the most clusters), only those
    /// with a case whose first signal is within <c>ActiveWithin</c> (null for all time).
    /// </summary>
    public sealed record Request(Guid? ApplicationId, TimeSpan? ActiveWithin, SortBy Sort, int Page, int PageSize);

    public sealed record ApplicationChoice(Guid Id, string Name, int Clusters);

    public sealed record Row(long Id, string Title, int CaseCount, int Reach, int OpenCases, IReadOnlyList<string> TopModes, DateTimeOffset LastCaseAt);

    /// <summary>The application shown (the one asked for, or the one chosen for it), the choices, one page of rows and how many there are.</summary>
    public sealed record Response(Guid? ApplicationId, IReadOnlyList<ApplicationChoice> Applications, IReadOnlyList<Row> Rows, int Total);

    /// <summary>Statuses that still need a reviewer.</summary>
    public static readonly CaseStatus[] Resolved = [CaseStatus.Released, CaseStatus.Dismissed, CaseStatus.Duplicate];

    private const int TopModeCount = 3;

    public async Task<Response> HandleAsync(Request request, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var clusterCounts = await db.CaseClusters.AsNoTracking()
            .GroupBy(c => c.ApplicationId)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var applications = (await db.Applications.AsNoTracking()
                .Select(a => new { a.Id, a.Name, a.ArchivedAt })
                .ToListAsync(cancellationToken))
            .Where(a => a.ArchivedAt is null || clusterCounts.ContainsKey(a.Id))
            .Select(a => new ApplicationChoice(a.Id, a.Name, clusterCounts.GetValueOrDefault(a.Id)))
            .OrderBy(a => a.Name, StringComparer.CurrentCultureIgnoreCase)
            .ToList();

        var applicationId = request.ApplicationId is { } asked && applications.Any(a => a.Id == asked)
            ? asked
            : applications.OrderByDescending(a => a.Clusters).Select(a => (Guid?)a.Id).FirstOrDefault();
        if (applicationId is null)
        {
            return new Response(null, applications, [], 0);
        }

        var clusters = db.CaseClusters.AsNoTracking().Where(c => c.ApplicationId == applicationId && c.CaseCount > 0);
        if (request.ActiveWithin is { } within)
        {
            var from = time.GetUtcNow() - within;
            clusters = clusters.Where(c => c.LastCaseAt >= from);
        }

        var total = await clusters.CountAsync(cancellationToken);
        clusters = request.Sort == SortBy.Reach
            ? clusters.OrderByDescending(c => c.Reach).ThenByDescending(c => c.CaseCount).ThenByDescending(c => c.LastCaseAt).ThenBy(c => c.Id)
            : clusters.OrderByDescending(c => c.CaseCount).ThenByDescending(c => c.Reach).ThenByDescending(c => c.LastCaseAt).ThenBy(c => c.Id);
        var pageSize = Math.Clamp(request.PageSize, 1, 100);
        var page = await clusters
            .Skip(Math.Max(0, request.Page) * pageSize).Take(pageSize)
            .Select(c => new { c.Id, c.Title, c.CaseCount, c.Reach, c.LastCaseAt })
            .ToListAsync(cancellationToken);
        var ids = page.Select(c => (long?)c.Id).ToList();

        var open = await db.Cases.AsNoTracking()
            .Where(c => ids.Contains(c.ClusterId) && !Resolved.Contains(c.Status))
            .GroupBy(c => c.ClusterId)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key!.Value, g => g.Count, cancellationToken);
        var modeCounts = await (
                from m in db.CaseFailureModes.AsNoTracking()
                join c in db.Cases.AsNoTracking() on m.CaseId equals c.Id
                where ids.Contains(c.ClusterId)
                group m by new { c.ClusterId, m.FailureModeId } into g
                select new { g.Key.ClusterId, g.Key.FailureModeId, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var modeIds = modeCounts.Select(m => m.FailureModeId).Distinct().ToList();
        var modeNames = await db.FailureModes.AsNoTracking().Where(m => modeIds.Contains(m.Id))
            .ToDictionaryAsync(m => m.Id, m => m.Name, cancellationToken);
        var topModes = modeCounts.ToLookup(m => m.ClusterId!.Value);

        var rows = page.Select(c => new Row(
                c.Id, c.Title, c.CaseCount, c.Reach, open.GetValueOrDefault(c.Id),
                topModes[c.Id].OrderByDescending(m => m.Count).ThenBy(m => m.FailureModeId).Take(TopModeCount)
                    .Select(m => modeNames.GetValueOrDefault(m.FailureModeId, "?")).ToList(),
                c.LastCaseAt))
            .ToList();
        return new Response(applicationId, applications, rows, total);
    }
}
