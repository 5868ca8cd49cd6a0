using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases.EvalSuites;

/// <summary>A Reviewer adds an eval case to a knowledge base's suite (no eval case id) or edits one; audited.</summary>
public sealed class SaveEvalCase(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, TimeProvider time)
{
    public async Task<Result<Guid>> HandleAsync(
        Guid knowledgeBaseId, Guid? evalCaseId, EvalCaseDraft draft, string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await ReleaseRules.IsReviewerAsync(db, actingUserId, cancellationToken))
        {
            return Result<Guid>.Fail(ReleaseRules.ReviewersOnly);
        }

        var kb = await db.KnowledgeBases.AsNoTracking().Where(k => k.Id == knowledgeBaseId).Select(k => new { k.Id, k.Kind, k.ApplicationId }).FirstOrDefaultAsync(cancellationToken);
        if (kb is null)
        {
            return Result<Guid>.Fail("That knowledge base no longer exists.");
        }

        var requested = draft.ExpectedEntryIds.Distinct().ToList();
        var known = (await db.KnowledgeEntries.AsNoTracking()
                .Where(e => e.KnowledgeBaseId == kb.Id && requested.Contains(e.Id))
                .Select(e => e.Id)
                .ToListAsync(cancellationToken))
            .ToHashSet();
        var (clean, error) = draft.Validate(kb.Kind, known);
        if (clean is null)
        {
            return Result<Guid>.Fail(error!);
        }

        var now = time.GetUtcNow();
        EvalCase row;
        AuditEntry entry;
        if (evalCaseId is { } id)
        {
            var existing = await db.EvalCases.FirstOrDefaultAsync(c => c.Id == id && c.KnowledgeBaseId == kb.Id, cancellationToken);
            if (existing is null)
            {
                return Result<Guid>.Fail("That eval case no longer exists.");
            }

            row = existing;
            var before = Snapshot(row);
            Apply(row, clean);
            row.UpdatedAt = now;
            var after = Snapshot(row);
            if (before == after)
            {
                return Result<Guid>.Ok(row.Id);
            }

            entry = new AuditEntry(ReleaseActions.EvalCaseUpdated, ReleaseActions.EvalCaseEntity, ReleaseActions.Id(row.Id), kb.ApplicationId, before, after);
        }
        else
        {
            row = new EvalCase
            {
                Id = Guid.NewGuid(), KnowledgeBaseId = kb.Id, Kind = clean.Kind, SourceCaseId = clean.SourceCaseId, CreatedById = actingUserId,
                CreatedAt = now, UpdatedAt = now,
            };
            Apply(row, clean);
            db.EvalCases.Add(row);
            entry = new AuditEntry(ReleaseActions.EvalCaseCreated, ReleaseActions.EvalCaseEntity, ReleaseActions.Id(row.Id), kb.ApplicationId,
                After: Snapshot(row) with { SourceCase = clean.SourceCaseId });
        }

        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken), entry, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<Guid>.Ok(row.Id);
    }

    internal static void Apply(EvalCase row, EvalCaseDraft clean)
    {
        row.Kind = clean.Kind;
        row.Name = clean.Name!;
        row.Query = clean.Query;
        row.ExpectedEntryIds = [.. clean.ExpectedEntryIds];
        row.ExpectedText = clean.ExpectedText;
        row.TaskType = clean.TaskType;
        row.Output = clean.Output;
        row.ExpectViolation = clean.ExpectViolation;
    }

    private sealed record AuditSnapshot(string Name, string? Query, string ExpectedEntries, string? ExpectedText, string? TaskType, string? Output, bool? ExpectViolation)
    {
        public long? SourceCase { get; init; }
    }

    private static AuditSnapshot Snapshot(EvalCase c) =>
        new(c.Name, c.Query, string.Join(",", c.ExpectedEntryIds.Order()), c.ExpectedText, c.TaskType, c.Output, c.ExpectViolation);
}
