using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using FeedbackConsole.Core.Features.Triage.Cases;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases;

public enum EntryChangeKind
{
    Added,
    Changed,
    Retired,
}

/// <summary>
/// What a release changes against its base (the release that was Live when it was built): entries added, changed
/// (another revision) and retired, one page at a time; the word diff of one change on request.
/// </summary>
public sealed class GetReleaseDiff(IDbContextFactory<FeedbackDbContext> contexts)
{
    public const int MaxPageSize = 100;

    public sealed record Row(Guid EntryId, string Title, EntryChangeKind Change, int? OldRevisionNumber, int? NewRevisionNumber, Guid? OldRevisionId, Guid? NewRevisionId);

    public sealed record Page(IReadOnlyList<Row> Rows, int Total, int Added, int Changed, int Retired);

    /// <summary>One side of a change: the revision's fields as text.</summary>
    public sealed record Side(int Number, string Title, string Text, string? AuthorName, string? ApproverName);

    /// <summary>The two revisions of a changed entry with the word diff of their text (old → new).</summary>
    public sealed record Comparison(Guid EntryId, EntryChangeKind Change, Side? Old, Side? New, IReadOnlyList<DiffSpan> Spans);

    /// <summary>One page of the changes, of one kind (<paramref name="change"/>) or all (null).</summary>
    public async Task<Page?> HandleAsync(Guid releaseId, EntryChangeKind? change, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var release = await db.Releases.AsNoTracking().Where(r => r.Id == releaseId).Select(r => new { r.Id, r.BaseReleaseId }).FirstOrDefaultAsync(cancellationToken);
        if (release is null)
        {
            return null;
        }

        var before = await ReleaseSnapshot.OfReleaseAsync(db, release.BaseReleaseId, cancellationToken);
        var after = await ReleaseSnapshot.OfReleaseAsync(db, release.Id, cancellationToken);
        var changes = ReleaseSnapshot.Compare(before, after);
        var all = changes.Added.Select(id => (Id: id, Kind: EntryChangeKind.Added))
            .Concat(changes.Changed.Select(id => (Id: id, Kind: EntryChangeKind.Changed)))
            .Concat(changes.Retired.Select(id => (Id: id, Kind: EntryChangeKind.Retired)))
            .Where(c => change is null || c.Kind == change)
            .ToList();

        // Titles are needed to order the page; they come from the entries (the latest approved title).
        var ids = all.Select(c => c.Id).ToList();
        var titles = new Dictionary<Guid, string>();
        foreach (var chunk in ids.Chunk(2000))
        {
            foreach (var e in await db.KnowledgeEntries.AsNoTracking().Where(e => chunk.Contains(e.Id)).Select(e => new { e.Id, e.Title }).ToListAsync(cancellationToken))
            {
                titles[e.Id] = e.Title;
            }
        }

        var slice = all
            .OrderBy(c => c.Kind)
            .ThenBy(c => titles.GetValueOrDefault(c.Id, ""), StringComparer.CurrentCultureIgnoreCase)
            .ThenBy(c => c.Id)
            .Skip(Math.Max(0, page) * pageSize)
            .Take(pageSize)
            .ToList();
        var revisionIds = slice.SelectMany(c => new[] { before.GetValueOrDefault(c.Id), after.GetValueOrDefault(c.Id) }).Where(id => id != Guid.Empty).ToList();
        var revisions = await db.EntryRevisions.AsNoTracking()
            .Where(r => revisionIds.Contains(r.Id))
            .Select(r => new { r.Id, r.Number, r.Title })
            .ToDictionaryAsync(r => r.Id, cancellationToken);

        var rows = slice.Select(c =>
        {
            Guid? oldId = before.TryGetValue(c.Id, out var o) ? o : null;
            Guid? newId = after.TryGetValue(c.Id, out var n) ? n : null;
            var title = newId is { } ni && revisions.TryGetValue(ni, out var nr) ? nr.Title
                : oldId is { } oi && revisions.TryGetValue(oi, out var or) ? or.Title
                : titles.GetValueOrDefault(c.Id, "(untitled)");
            return new Row(c.Id, title, c.Kind,
                oldId is { } a && revisions.TryGetValue(a, out var ar) ? ar.Number : null,
                newId is { } b && revisions.TryGetValue(b, out var br) ? br.Number : null,
                oldId, newId);
        }).ToList();
        return new Page(rows, all.Count, changes.Added.Count, changes.Changed.Count, changes.Retired.Count);
    }

    /// <summary>The old and new revision of one entry in the release's diff, with their word diff.</summary>
    public async Task<Comparison?> CompareAsync(Guid releaseId, Guid entryId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var release = await db.Releases.AsNoTracking().Where(r => r.Id == releaseId).Select(r => new { r.Id, r.BaseReleaseId }).FirstOrDefaultAsync(cancellationToken);
        if (release is null)
        {
            return null;
        }

        var newId = await db.ReleaseEntries.AsNoTracking().Where(e => e.ReleaseId == release.Id && e.EntryId == entryId).Select(e => (Guid?)e.RevisionId).FirstOrDefaultAsync(cancellationToken);
        var oldId = release.BaseReleaseId is null
            ? null
            : await db.ReleaseEntries.AsNoTracking().Where(e => e.ReleaseId == release.BaseReleaseId && e.EntryId == entryId).Select(e => (Guid?)e.RevisionId).FirstOrDefaultAsync(cancellationToken);
        if ((newId is null && oldId is null) || newId == oldId)
        {
            return null;
        }

        var revisions = await db.EntryRevisions.AsNoTracking().Where(r => r.Id == newId || r.Id == oldId).ToListAsync(cancellationToken);
        var names = await PeopleNames.LoadAsync(db, revisions.SelectMany(r => new[] { r.AuthorId, r.ReviewerId }), cancellationToken);
        Side? ToSide(Guid? id) => revisions.FirstOrDefault(r => r.Id == id) is { } r
            ? new Side(r.Number, r.Title, Describe(r), names.GetValueOrDefault(r.AuthorId), r.ReviewerId is { } v ? names.GetValueOrDefault(v) : null)
            : null;
        var oldSide = ToSide(oldId);
        var newSide = ToSide(newId);
        var kind = oldSide is null ? EntryChangeKind.Added : newSide is null ? EntryChangeKind.Retired : EntryChangeKind.Changed;
        return new Comparison(entryId, kind, oldSide, newSide, WordDiff.Compute(oldSide?.Text ?? "", newSide?.Text ?? ""));
    }

    /// <summary>A revision's content as one text to diff: what an app would be served, with its labels.</summary>
    public static string Describe(EntryRevision revision)
    {
        var lines = new List<string>();
        if (revision.Input is { Length: > 0 } input)
        {
            lines.Add("Input: " + input);
            lines.Add("Ideal output: " + revision.Content);
        }
        else if (revision.GuardType is { } guard)
        {
            lines.Add(guard switch
            {
                GuardRuleType.ForbiddenPattern => "Forbidden pattern: ",
                GuardRuleType.ForbiddenPhrase => "Forbidden phrase: ",
                _ => "Required disclaimer: ",
            } + revision.Content);
            if (revision.GuardMessage is { Length: > 0 } message)
            {
                lines.Add("Message: " + message);
            }
        }
        else
        {
            lines.Add(revision.Content);
        }

        if (revision.TaskType is { Length: > 0 } task)
        {
            lines.Add("Task type: " + task);
        }

        if (revision.FailureModeKey is { Length: > 0 } mode)
        {
            lines.Add("Failure mode: " + mode);
        }

        return string.Join('\n', lines);
    }
}
