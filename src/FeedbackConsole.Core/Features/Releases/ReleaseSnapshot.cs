using FeedbackConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases;

/// <summary>Which revision of each entry a release serves, and how two such snapshots differ.</summary>
internal static class ReleaseSnapshot
{
    /// <summary>What a candidate built now would hold: every non-retired entry's latest approved revision, by entry.</summary>
    public static async Task<Dictionary<Guid, Guid>> ApprovedAsync(FeedbackDbContext db, Guid knowledgeBaseId, CancellationToken cancellationToken) =>
        (await db.KnowledgeEntries.AsNoTracking()
            .Where(e => e.KnowledgeBaseId == knowledgeBaseId && !e.IsRetired && e.ApprovedRevisionId != null)
            .Select(e => new { e.Id, RevisionId = e.ApprovedRevisionId!.Value })
            .ToListAsync(cancellationToken))
        .ToDictionary(e => e.Id, e => e.RevisionId);

    /// <summary>The entries of a stored release (empty for none), by entry.</summary>
    public static async Task<Dictionary<Guid, Guid>> OfReleaseAsync(FeedbackDbContext db, Guid? releaseId, CancellationToken cancellationToken) =>
        releaseId is null
            ? []
            : (await db.ReleaseEntries.AsNoTracking()
                .Where(r => r.ReleaseId == releaseId)
                .Select(r => new { r.EntryId, r.RevisionId })
                .ToListAsync(cancellationToken))
            .ToDictionary(e => e.EntryId, e => e.RevisionId);

    /// <summary>Entries added, changed (another revision) and retired (gone) from <paramref name="baseline"/> to <paramref name="next"/>.</summary>
    public static Changes Compare(IReadOnlyDictionary<Guid, Guid> baseline, IReadOnlyDictionary<Guid, Guid> next)
    {
        var added = new List<Guid>();
        var changed = new List<Guid>();
        foreach (var (entryId, revisionId) in next)
        {
            if (!baseline.TryGetValue(entryId, out var before))
            {
                added.Add(entryId);
            }
            else if (before != revisionId)
            {
                changed.Add(entryId);
            }
        }

        var retired = baseline.Keys.Where(id => !next.ContainsKey(id)).ToList();
        return new Changes(added, changed, retired);
    }

    public sealed record Changes(List<Guid> Added, List<Guid> Changed, List<Guid> Retired)
    {
        public int Total => Added.Count + Changed.Count + Retired.Count;
    }
}
