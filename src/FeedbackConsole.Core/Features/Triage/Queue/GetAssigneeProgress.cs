using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Triage.Claims;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Queue;

/// <summary>
/// Progress per reviewer for leads: open cases each holds now, and cases each triaged since a moment (the
/// start of today) — distinct cases they labeled, dismissed, marked duplicate or moved, read from the audit
/// trail (indexed by actor and time). Claims and assignments are not triage.
/// </summary>
public sealed class GetAssigneeProgress(IDbContextFactory<FeedbackDbContext> contexts, TimeProvider time)
{
    private static readonly string[] NotTriage = ["case.claimed", "case.claim_released", "case.assigned", "case.viewed"];

    public sealed record Row(string UserId, string Name, int Held, int TriagedSince);

    public async Task<IReadOnlyList<Row>> HandleAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        since = since.ToUniversalTime();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var people = await ClaimRules.ReviewersAsync(db, cancellationToken);
        var open = ClaimRules.Claimable.ToArray();
        var held = (await db.Cases.AsNoTracking()
                .Where(c => c.AssigneeId != null && open.Contains(c.Status) && (c.LeaseExpiresAt == null || c.LeaseExpiresAt >= now))
                .GroupBy(c => c.AssigneeId!)
                .Select(g => new { UserId = g.Key, Count = g.Count() })
                .ToListAsync(cancellationToken))
            .ToDictionary(h => h.UserId, h => h.Count);
        var triaged = (await db.AuditEvents.AsNoTracking()
                .Where(e => e.OccurredAt >= since && e.ActorId != null && e.EntityType == "case" && !NotTriage.Contains(e.Action))
                .Select(e => new { e.ActorId, e.EntityId })
                .Distinct()
                .ToListAsync(cancellationToken))
            .GroupBy(e => e.ActorId!)
            .ToDictionary(g => g.Key, g => g.Count());

        return people
            .Select(p => new Row(p.Id, p.Name, held.GetValueOrDefault(p.Id), triaged.GetValueOrDefault(p.Id)))
            .OrderByDescending(r => r.Held + r.TriagedSince)
            .ThenBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
    }
}
