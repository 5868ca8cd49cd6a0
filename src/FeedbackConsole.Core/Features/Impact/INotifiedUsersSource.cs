namespace FeedbackConsole.Core.Features.Impact;

/// <summary>
/// Extension point for the notifier (issue 7): how many distinct end users were notified per week, and how many
/// notifications a correction's cases sent. The notifier registers its own implementation; until then
/// <see cref="NoNotifiedUsers"/> answers null ("no data yet") and the dashboard says notifications arrive with it.
/// </summary>
public interface INotifiedUsersSource
{
    /// <summary>Distinct end users notified per week (weeks start on Monday, UTC); null when notifications are not recorded.</summary>
    Task<IReadOnlyDictionary<DateOnly, int>?> NotifiedUsersPerWeekAsync(Guid applicationId, DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>Notifications sent about the given cases; null when notifications are not recorded.</summary>
    Task<int?> NotificationsForCasesAsync(IReadOnlyCollection<long> caseIds, CancellationToken cancellationToken);
}

/// <summary>The default until the notifier is merged: no notification data.</summary>
public sealed class NoNotifiedUsers : INotifiedUsersSource
{
    public Task<IReadOnlyDictionary<DateOnly, int>?> NotifiedUsersPerWeekAsync(Guid applicationId, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<DateOnly, int>?>(null);

    public Task<int?> NotificationsForCasesAsync(IReadOnlyCollection<long> caseIds, CancellationToken cancellationToken) => Task.FromResult<int?>(null);
}
