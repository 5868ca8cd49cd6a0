using FeedbackConsole.Core.Features.Audit;

namespace FeedbackConsole.Core.Features.Triage.Claims;

/// <summary>The one summarizing audit event of a bulk action, beside its one event per case.</summary>
public static class BulkSummary
{
    /// <summary>
    /// <c>bulk.*</c> on entity type <c>bulk</c> with a fresh id; the application when all cases share one; the
    /// case ids and the action's parameters in <paramref name="after"/>.
    /// </summary>
    public static AuditEntry Entry(string action, IEnumerable<Guid> applicationIds, object after, string? reason = null)
    {
        var applications = applicationIds.Distinct().Take(2).ToList();
        return new AuditEntry(action, "bulk", Guid.NewGuid().ToString("N"), applications.Count == 1 ? applications[0] : null, After: after, Reason: reason);
    }
}
