using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.KnowledgeBases.Revisions;

/// <summary>The approval queue: proposed revisions, oldest first, optionally of one application or knowledge base.</summary>
public sealed class ListProposals(IDbContextFactory<FeedbackDbContext> contexts)
{
    public const int MaxPageSize = 100;

    public sealed record Filter(Guid? ApplicationId = null, Guid? KnowledgeBaseId = null, int Page = 0, int PageSize = 25);

    public sealed record Row(
        Guid RevisionId,
        Guid EntryId,
        int Number,
        RevisionChange Change,
        string Title,
        string Summary,
        Guid KnowledgeBaseId,
        string KnowledgeBaseName,
        KnowledgeBaseKind Kind,
        string ApplicationName,
        string AuthorId,
        string AuthorName,
        DateTimeOffset CreatedAt,
        IReadOnlyList<long> SourceCaseIds,
        bool IsStale);

    public sealed record Choice(Guid Id, string Name, Guid? ApplicationId = null);

    public sealed record Result(IReadOnlyList<Row> Rows, int Total, IReadOnlyList<Choice> Applications, IReadOnlyList<Choice> KnowledgeBases);

    public async Task<Result> HandleAsync(Filter filter, CancellationToken cancellationToken = default)
    {
        var pageSize = Math.Clamp(filter.PageSize, 1, MaxPageSize);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var kbs = await (from k in db.KnowledgeBases.AsNoTracking()
                         join a in db.Applications on k.ApplicationId equals a.Id
                         where k.ArchivedAt == null
                         select new { k.Id, k.Name, k.Kind, k.ApplicationId, ApplicationName = a.Name })
            .ToListAsync(cancellationToken);
        var applications = kbs.GroupBy(k => k.ApplicationId)
            .Select(g => new Choice(g.Key, g.First().ApplicationName))
            .OrderBy(c => c.Name, StringComparer.CurrentCultureIgnoreCase).ToList();
        var choices = kbs.Where(k => filter.ApplicationId is null || k.ApplicationId == filter.ApplicationId)
            .Select(k => new Choice(k.Id, k.Name, k.ApplicationId))
            .OrderBy(c => c.Name, StringComparer.CurrentCultureIgnoreCase).ToList();

        var query = db.EntryRevisions.AsNoTracking().Where(r => r.State == RevisionState.Proposed);
        if (filter.KnowledgeBaseId is { } kbId)
        {
            query = query.Where(r => r.KnowledgeBaseId == kbId);
        }
        else if (filter.ApplicationId is { } appId)
        {
            query = query.Where(r => db.KnowledgeBases.Any(k => k.Id == r.KnowledgeBaseId && k.ApplicationId == appId));
        }

        var total = await query.CountAsync(cancellationToken);
        var page = await query
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Skip(Math.Max(0, filter.Page) * pageSize)
            .Take(pageSize)
            .Select(r => new
            {
                r.Id, r.EntryId, r.Number, r.Change, r.Title, Summary = r.Summary.Substring(0, GetRevision.SnippetLength), r.KnowledgeBaseId,
                r.AuthorId, r.CreatedAt, r.BasedOnRevisionId,
                EntryApproved = db.KnowledgeEntries.Where(e => e.Id == r.EntryId).Select(e => e.ApprovedRevisionId).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var ids = page.Select(r => r.Id).ToList();
        var sources = (await db.RevisionSources.AsNoTracking().Where(s => ids.Contains(s.RevisionId)).ToListAsync(cancellationToken))
            .ToLookup(s => s.RevisionId, s => s.CaseId);
        var names = await PeopleNames.LoadAsync(db, page.Select(r => r.AuthorId), cancellationToken);
        var kbById = kbs.ToDictionary(k => k.Id);
        var rows = page.Select(r =>
        {
            var kb = kbById.GetValueOrDefault(r.KnowledgeBaseId);
            return new Row(
                r.Id, r.EntryId, r.Number, r.Change, r.Title, r.Summary, r.KnowledgeBaseId, kb?.Name ?? "(archived)", kb?.Kind ?? KnowledgeBaseKind.Facts,
                kb?.ApplicationName ?? "", r.AuthorId, PeopleNames.NameOf(names, r.AuthorId), r.CreatedAt, [.. sources[r.Id].Order()],
                RevisionDecisions.IsStale(r.Change, r.BasedOnRevisionId, r.EntryApproved));
        }).ToList();
        return new Result(rows, total, applications, choices);
    }
}
