namespace FeedbackConsole.Core.Features.Triage;

/// <summary>What happened to a case, for open queues and case pages to refresh without a reload.</summary>
/// <param name="CaseIds">The cases changed (one, or all of a bulk action).</param>
/// <param name="Kind">A short word: <c>claimed</c>, <c>released</c>, <c>assigned</c>, <c>labeled</c>, <c>status</c>, <c>enriched</c> ….</param>
/// <param name="ActorId">The person who changed them; null for the system.</param>
public sealed record CaseChange(IReadOnlyList<long> CaseIds, string Kind, string? ActorId);

/// <summary>
/// In-process publish/subscribe of case changes, raised after the change commits. Subscribers (Blazor
/// circuits) must be quick and marshal to their own dispatcher. With several instances on PostgreSQL a
/// subscriber also polls for changes made by other instances (the cases' <c>UpdatedAt</c>).
/// </summary>
public sealed class CaseChangeFeed
{
    public event Action<CaseChange>? Changed;

    public void Publish(CaseChange change)
    {
        var handlers = Changed;
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Action<CaseChange>>())
        {
            try
            {
                handler(change);
            }
#pragma warning disable CA1031 // One broken subscriber (a closed circuit) must not stop the others or the publisher.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
