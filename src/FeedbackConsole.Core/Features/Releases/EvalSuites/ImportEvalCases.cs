using System.Globalization;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases.EvalSuites;

/// <summary>
/// A Reviewer imports eval cases from a CSV or JSONL file (<see cref="EvalSuiteFile"/>). All or nothing: when any row
/// is invalid nothing is imported and every invalid row is listed with its line and the reason, so a corrected file
/// can be imported again without duplicating the rows that were fine.
/// </summary>
public sealed class ImportEvalCases(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, TimeProvider time)
{
    public const int MaxRows = 5000;

    /// <summary>Cases added (0 when any row was refused) and the refused rows.</summary>
    public sealed record Outcome(int Imported, IReadOnlyList<EvalFileError> Errors)
    {
        public bool Succeeded => Errors.Count == 0;
    }

    public async Task<Outcome> HandleAsync(
        Guid knowledgeBaseId, string text, EvalSuiteFormat format, string actingUserId, CancellationToken cancellationToken = default)
    {
        var (rows, errors) = EvalSuiteFile.Parse(text, format);
        if (rows.Count + errors.Count > MaxRows)
        {
            return new Outcome(0, [new EvalFileError(0, $"A file holds at most {MaxRows:N0} cases; this one has {rows.Count + errors.Count:N0}. Split it.")]);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await ReleaseRules.IsReviewerAsync(db, actingUserId, cancellationToken))
        {
            return new Outcome(0, [new EvalFileError(0, ReleaseRules.ReviewersOnly)]);
        }

        var kb = await db.KnowledgeBases.AsNoTracking().Where(k => k.Id == knowledgeBaseId).Select(k => new { k.Id, k.Kind, k.ApplicationId, k.Key }).FirstOrDefaultAsync(cancellationToken);
        if (kb is null)
        {
            return new Outcome(0, [new EvalFileError(0, "That knowledge base no longer exists.")]);
        }

        if (rows.Count == 0 && errors.Count == 0)
        {
            return new Outcome(0, [new EvalFileError(0, "The file holds no cases.")]);
        }

        // Expected entries by id, or by exact title (case-insensitive) when that title is unique in the knowledge base.
        var entries = await db.KnowledgeEntries.AsNoTracking().Where(e => e.KnowledgeBaseId == kb.Id).Select(e => new { e.Id, e.Title }).ToListAsync(cancellationToken);
        var ids = entries.Select(e => e.Id).ToHashSet();
        var byTitle = entries.GroupBy(e => e.Title.Trim(), StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);

        var drafts = new List<EvalCaseDraft>();
        var allErrors = new List<EvalFileError>(errors);
        foreach (var row in rows)
        {
            var resolved = new List<Guid>();
            string? problem = null;
            foreach (var reference in row.ExpectedEntries)
            {
                if (Guid.TryParse(reference, out var id))
                {
                    if (!ids.Contains(id))
                    {
                        problem = $"Entry {reference} is not an entry of this knowledge base.";
                        break;
                    }

                    resolved.Add(id);
                }
                else if (byTitle.TryGetValue(reference, out var matches) && matches.Count == 1)
                {
                    resolved.Add(matches[0].Id);
                }
                else
                {
                    problem = matches is { Count: > 1 }
                        ? $"{matches.Count} entries are titled “{reference}”: name it by its id."
                        : $"No entry is titled “{reference}”.";
                    break;
                }
            }

            if (problem is not null)
            {
                allErrors.Add(new EvalFileError(row.Line, problem));
                continue;
            }

            var draft = new EvalCaseDraft(row.Kind ?? EvalCaseDraft.KindFor(kb.Kind), row.Name, row.Query, resolved, row.ExpectedText, row.TaskType, row.Output, row.ExpectViolation);
            var (clean, error) = draft.Validate(kb.Kind, ids);
            if (clean is null)
            {
                allErrors.Add(new EvalFileError(row.Line, error!));
            }
            else
            {
                drafts.Add(clean);
            }
        }

        if (allErrors.Count > 0)
        {
            return new Outcome(0, [.. allErrors.OrderBy(e => e.Line)]);
        }

        var now = time.GetUtcNow();
        foreach (var draft in drafts)
        {
            var row = new EvalCase { Id = Guid.NewGuid(), KnowledgeBaseId = kb.Id, CreatedById = actingUserId, CreatedAt = now, UpdatedAt = now };
            SaveEvalCase.Apply(row, draft);
            db.EvalCases.Add(row);
        }

        // One event for the file as a whole: a thousand-row import is one decision.
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry(ReleaseActions.EvalCasesImported, "knowledge_base", ReleaseActions.Id(kb.Id), kb.ApplicationId,
                After: new { knowledgeBase = kb.Key, imported = drafts.Count, format = format.ToString().ToLower(CultureInfo.InvariantCulture) }), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new Outcome(drafts.Count, []);
    }
}
