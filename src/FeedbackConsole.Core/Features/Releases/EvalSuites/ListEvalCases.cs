using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases.EvalSuites;

/// <summary>A knowledge base's eval suite, one page at a time, with held-out warnings; and entry look-ups for the editor.</summary>
public sealed class ListEvalCases(IDbContextFactory<FeedbackDbContext> contexts)
{
    public const int MaxPageSize = 100;

    public sealed record ExpectedEntry(Guid Id, string Title);

    public sealed record Row(
        Guid Id, EvalCaseKind Kind, string Name, string? Query, IReadOnlyList<ExpectedEntry> ExpectedEntries, string? ExpectedText, string? TaskType,
        string? Output, bool? ExpectViolation, long? SourceCaseId, DateTimeOffset UpdatedAt, bool IsArchived);

    public sealed record Suite(
        ListReleases.KnowledgeBaseHeader KnowledgeBase, IReadOnlyList<Row> Rows, int Total, int ActiveCount, int ArchivedCount,
        IReadOnlyList<HeldOutConflict> HeldOutConflicts);

    public async Task<Suite?> HandleAsync(
        Guid knowledgeBaseId, string? search, bool archived, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var header = await ListReleases.HeaderAsync(db, knowledgeBaseId, cancellationToken);
        if (header is null)
        {
            return null;
        }

        var all = db.EvalCases.AsNoTracking().Where(c => c.KnowledgeBaseId == knowledgeBaseId);
        var active = await all.CountAsync(c => c.ArchivedAt == null, cancellationToken);
        var archivedCount = await all.CountAsync(c => c.ArchivedAt != null, cancellationToken);
        var query = archived ? all.Where(c => c.ArchivedAt != null) : all.Where(c => c.ArchivedAt == null);
        if (!string.IsNullOrWhiteSpace(search))
        {
            // lower() on both sides: case-insensitive alike on SQLite and PostgreSQL.
            var text = search.Trim().ToLowerInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL lower(…), not run in .NET.
            query = query.Where(c => c.Name.ToLower().Contains(text)
                                     || (c.Query != null && c.Query.ToLower().Contains(text))
                                     || (c.Output != null && c.Output.ToLower().Contains(text)));
#pragma warning restore CA1304, CA1311, CA1862
        }

        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderBy(c => c.Name).ThenBy(c => c.Id).Skip(Math.Max(0, page) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        var ids = rows.SelectMany(r => r.ExpectedEntryIds).Distinct().ToList();
        var titles = await db.KnowledgeEntries.AsNoTracking().Where(e => ids.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.Title, cancellationToken);
        var conflicts = await HeldOutOverlap.AgainstApprovedAsync(db, knowledgeBaseId, cancellationToken);
        return new Suite(
            header,
            [.. rows.Select(r => new Row(
                r.Id, r.Kind, r.Name, r.Query, [.. r.ExpectedEntryIds.Select(id => new ExpectedEntry(id, titles.GetValueOrDefault(id, "(entry removed)")))],
                r.ExpectedText, r.TaskType, r.Output, r.ExpectViolation, r.SourceCaseId, r.UpdatedAt, r.ArchivedAt is not null))],
            total, active, archivedCount, conflicts);
    }

    /// <summary>Entries of the knowledge base whose title contains <paramref name="text"/> (all when empty), for picking expected entries.</summary>
    public async Task<IReadOnlyList<ExpectedEntry>> SearchEntriesAsync(Guid knowledgeBaseId, string? text, int take = 20, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entries = db.KnowledgeEntries.AsNoTracking().Where(e => e.KnowledgeBaseId == knowledgeBaseId && !e.IsRetired && e.ApprovedRevisionId != null);
        if (!string.IsNullOrWhiteSpace(text))
        {
            var lower = text.Trim().ToLowerInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL lower(…), not run in .NET.
            entries = entries.Where(e => e.Title.ToLower().Contains(lower));
#pragma warning restore CA1304, CA1311, CA1862
        }

        return await entries.OrderBy(e => e.Title).Take(Math.Clamp(take, 1, 100)).Select(e => new ExpectedEntry(e.Id, e.Title)).ToListAsync(cancellationToken);
    }
}
