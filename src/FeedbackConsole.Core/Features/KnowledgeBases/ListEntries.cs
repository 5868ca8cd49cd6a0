using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.KnowledgeBases;

public enum EntryFilter
{
    /// <summary>Every entry that is not retired.</summary>
    Current,

    /// <summary>Entries with at least one open proposal.</summary>
    Pending,

    Retired,

    All,
}

/// <summary>
/// One page of a knowledge base's entries, most recently changed first, with a console search (a case-insensitive
/// substring of the title or the approved content; the run-time API has its own retrieval engine).
/// </summary>
public sealed class ListEntries(IDbContextFactory<FeedbackDbContext> contexts)
{
    public const int MaxPageSize = 100;
    public const int SnippetLength = 240;

    public sealed record Query(string? Search = null, EntryFilter Filter = EntryFilter.Current, int Page = 0, int PageSize = 20);

    public sealed record Row(
        Guid Id,
        string Title,
        string Snippet,
        int? ApprovedNumber,
        bool IsRetired,
        int PendingCount,
        bool IsLive,
        string? TaskType,
        Domain.GuardRuleType? GuardType,
        DateTimeOffset UpdatedAt)
    {
        public bool IsApproved => ApprovedNumber is not null;
    }

    public sealed record Page(IReadOnlyList<Row> Rows, int Total);

    public async Task<Page> HandleAsync(Guid knowledgeBaseId, Query query, CancellationToken cancellationToken = default)
    {
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var liveId = await db.KnowledgeBases.Where(k => k.Id == knowledgeBaseId).Select(k => k.LiveReleaseId).FirstOrDefaultAsync(cancellationToken);

        var rows = from e in db.KnowledgeEntries.AsNoTracking()
                   where e.KnowledgeBaseId == knowledgeBaseId
                   join a in db.EntryRevisions on e.ApprovedRevisionId equals (Guid?)a.Id into approved
                   from a in approved.DefaultIfEmpty()
                   select new { Entry = e, Approved = a };
        rows = query.Filter switch
        {
            EntryFilter.Current => rows.Where(x => !x.Entry.IsRetired),
            EntryFilter.Retired => rows.Where(x => x.Entry.IsRetired),
            EntryFilter.Pending => rows.Where(x => db.EntryRevisions.Any(r => r.EntryId == x.Entry.Id && r.State == RevisionState.Proposed)),
            _ => rows,
        };

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            // Lower-cased on both sides: SQLite's instr and PostgreSQL's strpos are both case-sensitive. The ToLower()
            // calls below run as SQL lower(), where .NET cultures do not apply.
            var term = query.Search.Trim().ToLowerInvariant();
#pragma warning disable CA1304, CA1311, CA1862
            rows = rows.Where(x => x.Entry.Title.ToLower().Contains(term)
                                   || (x.Approved != null && (x.Approved.Content.ToLower().Contains(term) || (x.Approved.Input != null && x.Approved.Input.ToLower().Contains(term))))
                                   || (x.Approved == null && db.EntryRevisions.Any(r => r.EntryId == x.Entry.Id && r.Content.ToLower().Contains(term))));
#pragma warning restore CA1304, CA1311, CA1862
        }

        var total = await rows.CountAsync(cancellationToken);
        var page = await rows
            .OrderByDescending(x => x.Entry.UpdatedAt).ThenBy(x => x.Entry.Id)
            .Skip(Math.Max(0, query.Page) * pageSize)
            .Take(pageSize)
            .Select(x => new
            {
                x.Entry.Id, x.Entry.Title, x.Entry.IsRetired, x.Entry.UpdatedAt,
                ApprovedNumber = x.Approved == null ? (int?)null : x.Approved.Number,
                Snippet = x.Approved != null
                    ? x.Approved.Content.Substring(0, SnippetLength)
                    : db.EntryRevisions.Where(r => r.EntryId == x.Entry.Id).OrderByDescending(r => r.Number).Select(r => r.Content.Substring(0, SnippetLength)).FirstOrDefault(),
                TaskType = x.Approved == null ? null : x.Approved.TaskType,
                GuardType = x.Approved == null ? null : x.Approved.GuardType,
                Pending = db.EntryRevisions.Count(r => r.EntryId == x.Entry.Id && r.State == RevisionState.Proposed),
                Live = liveId != null && db.ReleaseEntries.Any(r => r.ReleaseId == liveId && r.EntryId == x.Entry.Id && r.RevisionId == x.Entry.ApprovedRevisionId),
            })
            .ToListAsync(cancellationToken);
        return new Page(
            [.. page.Select(x => new Row(x.Id, x.Title, x.Snippet ?? "", x.ApprovedNumber, x.IsRetired, x.Pending, x.Live, x.TaskType, x.GuardType, x.UpdatedAt))],
            total);
    }
}
