using FeedbackConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Audit;

/// <summary>
/// Everything the trail holds about one entity, oldest first — e.g. a case's history on its detail page:
/// <c>HandleAsync(AuditEntityTypes.Case, caseId.ToString(CultureInfo.InvariantCulture), ct)</c>.
/// </summary>
public sealed class GetEntityHistory(IDbContextFactory<FeedbackDbContext> contexts)
{
    public async Task<IReadOnlyList<AuditEventView>> HandleAsync(string entityType, string entityId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Served by the (EntityType, EntityId, Id) index.
        var events = await db.AuditEvents.AsNoTracking()
            .Where(e => e.EntityType == entityType && e.EntityId == entityId)
            .OrderBy(e => e.Id)
            .ToListAsync(cancellationToken);
        return await AuditEventView.FromAsync(db, events, cancellationToken);
    }
}
