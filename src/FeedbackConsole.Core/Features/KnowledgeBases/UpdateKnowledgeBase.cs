using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.KnowledgeBases;

/// <summary>A lead edits a knowledge base's name, description and gate thresholds (the key and kind are fixed: apps and entries depend on them).</summary>
public sealed class UpdateKnowledgeBase(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, TimeProvider time)
{
    public sealed record Request(string Name, string? Description, GateThresholds Gate);

    public async Task<Result> HandleAsync(Guid knowledgeBaseId, Request request, string actingUserId, CancellationToken cancellationToken = default)
    {
        var name = (request.Name ?? "").Trim();
        var description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        if ((CreateKnowledgeBase.CheckDetails(name, description) ?? request.Gate.Validate()) is { } invalid)
        {
            return Result.Fail(invalid);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await KnowledgeBaseRules.IsLeadAsync(db, actingUserId, cancellationToken))
        {
            return Result.Fail("Only a lead or an admin can edit a knowledge base.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var kb = await db.KnowledgeBases.FirstOrDefaultAsync(k => k.Id == knowledgeBaseId, cancellationToken);
        if (kb is null)
        {
            return Result.Fail("That knowledge base no longer exists.");
        }

        if (kb.ArchivedAt is not null)
        {
            return Result.Fail("An archived knowledge base cannot be edited.");
        }

        var before = new Dictionary<string, object?>();
        var after = new Dictionary<string, object?>();
        void Set<T>(string field, T current, T next, Action<T> apply)
        {
            if (!EqualityComparer<T>.Default.Equals(current, next))
            {
                before[field] = current;
                after[field] = next;
                apply(next);
            }
        }

        var gate = request.Gate;
        Set("name", kb.Name, name, v => kb.Name = v);
        Set("description", kb.Description, description, v => kb.Description = v);
        Set("gateK", kb.GateK, gate.GateK, v => kb.GateK = v);
        Set("minRecallAtK", kb.MinRecallAtK, gate.MinRecallAtK, v => kb.MinRecallAtK = v);
        Set("minMrr", kb.MinMrr, gate.MinMrr, v => kb.MinMrr = v);
        Set("minPassRate", kb.MinPassRate, gate.MinPassRate, v => kb.MinPassRate = v);
        Set("maxRegressions", kb.MaxRegressions, gate.MaxRegressions, v => kb.MaxRegressions = v);
        if (after.Count == 0)
        {
            return Result.Ok();
        }

        kb.UpdatedAt = time.GetUtcNow();
        kb.Version = Guid.NewGuid();
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry(KnowledgeBaseRules.Updated, KnowledgeBaseRules.KnowledgeBaseEntity, KnowledgeBaseRules.Id(kb.Id), kb.ApplicationId, before, after),
            cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result.Fail("The knowledge base changed while you were editing it (a release was built or promoted). Reload and try again.");
        }

        return Result.Ok();
    }
}
