using System.Text;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases.EvalSuites;

/// <summary>An eval case whose query is also the input of a few-shot example: it is no longer held out.</summary>
public sealed record HeldOutConflict(Guid EvalCaseId, string EvalCaseName, Guid EntryId, string EntryTitle);

/// <summary>
/// A held-out case must never also be a few-shot example: in an Examples knowledge base, finds eval cases whose query
/// equals an example's input (ignoring case and runs of whitespace).
/// </summary>
public static class HeldOutOverlap
{
    /// <summary>"  What is  the Refund window? " → "what is the refund window?".</summary>
    public static string Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    /// <summary>Conflicts with the examples a candidate built now would hold (every non-retired entry's approved revision).</summary>
    public static Task<IReadOnlyList<HeldOutConflict>> AgainstApprovedAsync(FeedbackDbContext db, Guid knowledgeBaseId, CancellationToken cancellationToken) =>
        FindAsync(db, knowledgeBaseId,
            db.KnowledgeEntries.Where(e => e.KnowledgeBaseId == knowledgeBaseId && !e.IsRetired && e.ApprovedRevisionId != null).Select(e => e.ApprovedRevisionId!.Value),
            cancellationToken);

    /// <summary>Conflicts with the examples of one release.</summary>
    public static Task<IReadOnlyList<HeldOutConflict>> AgainstReleaseAsync(FeedbackDbContext db, Guid knowledgeBaseId, Guid releaseId, CancellationToken cancellationToken) =>
        FindAsync(db, knowledgeBaseId, db.ReleaseEntries.Where(e => e.ReleaseId == releaseId).Select(e => e.RevisionId), cancellationToken);

    private static async Task<IReadOnlyList<HeldOutConflict>> FindAsync(
        FeedbackDbContext db, Guid knowledgeBaseId, IQueryable<Guid> revisionIds, CancellationToken cancellationToken)
    {
        var kind = await db.KnowledgeBases.AsNoTracking().Where(k => k.Id == knowledgeBaseId).Select(k => (KnowledgeBaseKind?)k.Kind).FirstOrDefaultAsync(cancellationToken);
        if (kind != KnowledgeBaseKind.Examples)
        {
            return [];
        }

        var queries = (await db.EvalCases.AsNoTracking()
                .Where(c => c.KnowledgeBaseId == knowledgeBaseId && c.ArchivedAt == null && c.Query != null)
                .Select(c => new { c.Id, c.Name, c.Query })
                .ToListAsync(cancellationToken))
            .Select(c => (c.Id, c.Name, Key: Normalize(c.Query)))
            .Where(c => c.Key.Length > 0)
            .ToLookup(c => c.Key);
        if (queries.Count == 0)
        {
            return [];
        }

        var examples = await db.EntryRevisions.AsNoTracking()
            .Where(r => revisionIds.Contains(r.Id) && r.Input != null)
            .Select(r => new { r.EntryId, r.Title, r.Input })
            .ToListAsync(cancellationToken);
        return [.. examples
            .SelectMany(e => queries[Normalize(e.Input)].Select(q => new HeldOutConflict(q.Id, q.Name, e.EntryId, e.Title)))
            .OrderBy(c => c.EvalCaseName, StringComparer.CurrentCultureIgnoreCase)];
    }
}
