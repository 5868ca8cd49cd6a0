using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.KnowledgeBases;

/// <summary>
/// A lead archives a knowledge base: it takes no new proposals or approvals and leaves the lists; its entries,
/// revisions and releases stay for history.
/// </summary>
public sealed class ArchiveKnowledgeBase(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, TimeProvider time)
{
    public async Task<Result> HandleAsync(Guid knowledgeBaseId, string? reason, string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await KnowledgeBaseRules.IsLeadAsync(db, actingUserId, cancellationToken))
        {
            return Result.Fail("Only a lead or an admin can archive a knowledge base.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var kb = await db.KnowledgeBases.FirstOrDefaultAsync(k => k.Id == knowledgeBaseId, cancellationToken);
        if (kb is null)
        {
            return Result.Fail("That knowledge base no longer exists.");
        }

        if (kb.ArchivedAt is not null)
        {
            return Result.Ok();
        }

        var now = time.GetUtcNow();
        kb.ArchivedAt = now;
        kb.UpdatedAt = now;
        kb.Version = Guid.NewGuid();
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry(KnowledgeBaseRules.Archived, KnowledgeBaseRules.KnowledgeBaseEntity, KnowledgeBaseRules.Id(kb.Id), kb.ApplicationId,
                Before: new { archived = false }, After: new { archived = true }, Reason: string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()),
            cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result.Fail("The knowledge base changed a moment ago (a release was built or promoted). Reload and try again.");
        }

        return Result.Ok();
    }
}
