using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Audit;

/// <summary>The audit trail for the admin page: filtered, newest first, one page at a time on the server.</summary>
public sealed class ListAuditEvents(IDbContextFactory<FeedbackDbContext> contexts)
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 200;

    /// <summary>
    /// Filters, all optional and combined with AND. Text filters ignore case. <see cref="From"/> is inclusive and
    /// <see cref="To"/> exclusive, so a day is [midnight, next midnight).
    /// </summary>
    public sealed record Query
    {
        /// <summary>The actor's user id, or part of the name the trail gave them (their e-mail, or "system").</summary>
        public string? Actor { get; init; }

        /// <summary>The start of the action: <c>case.</c> for every case decision, <c>apikey.revoked</c> for one action.</summary>
        public string? ActionPrefix { get; init; }

        public string? EntityType { get; init; }

        public string? EntityId { get; init; }

        public Guid? ApplicationId { get; init; }

        public DateTimeOffset? From { get; init; }

        public DateTimeOffset? To { get; init; }

        /// <summary>Words to find in the reason or the before/after values.</summary>
        public string? Text { get; init; }

        /// <summary>Zero-based page number.</summary>
        public int Page { get; init; }

        public int PageSize { get; init; } = DefaultPageSize;
    }

    /// <summary>One page of events and how many match in all.</summary>
    public sealed record PageResult(IReadOnlyList<AuditEventView> Items, int TotalCount);

    public async Task<PageResult> HandleAsync(Query query, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var events = Filter(db.AuditEvents.AsNoTracking(), query);
        var total = await events.CountAsync(cancellationToken);
        var size = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var page = await events
            .OrderByDescending(e => e.Id)
            .Skip(Math.Max(query.Page, 0) * size)
            .Take(size)
            .ToListAsync(cancellationToken);
        return new PageResult(await AuditEventView.FromAsync(db, page, cancellationToken), total);
    }

    // ToLower() here is translated to SQL lower(): no .NET culture is involved, which is what CA1304/CA1311/CA1862 guard against.
#pragma warning disable CA1304, CA1311, CA1862
    internal static IQueryable<AuditEvent> Filter(IQueryable<AuditEvent> events, Query query)
    {
        // Lower-casing both sides is the one case-insensitive comparison SQLite and PostgreSQL translate alike.
        if (Clean(query.Actor) is { } actor)
        {
            var lower = actor.ToLowerInvariant();
            events = events.Where(e => e.ActorId == actor || e.ActorName.ToLower().Contains(lower));
        }

        if (Clean(query.ActionPrefix) is { } action)
        {
            // Actions are lower-case by convention; StartsWith is case-sensitive on PostgreSQL only.
            var prefix = action.ToLowerInvariant();
            events = events.Where(e => e.Action.StartsWith(prefix));
        }

        if (Clean(query.EntityType) is { } entityType)
        {
            var type = entityType.ToLowerInvariant();
            events = events.Where(e => e.EntityType == type);
        }

        if (Clean(query.EntityId) is { } entityId)
        {
            events = events.Where(e => e.EntityId == entityId);
        }

        if (query.ApplicationId is { } applicationId)
        {
            events = events.Where(e => e.ApplicationId == applicationId);
        }

        if (query.From is { } from)
        {
            var utc = from.ToUniversalTime();
            events = events.Where(e => e.OccurredAt >= utc);
        }

        if (query.To is { } to)
        {
            var utc = to.ToUniversalTime();
            events = events.Where(e => e.OccurredAt < utc);
        }

        if (Clean(query.Text) is { } text)
        {
            var lower = text.ToLowerInvariant();
            events = events.Where(e =>
                (e.Reason != null && e.Reason.ToLower().Contains(lower))
                || (e.Before != null && e.Before.ToLower().Contains(lower))
                || (e.After != null && e.After.ToLower().Contains(lower)));
        }

        return events;
    }
#pragma warning restore CA1304, CA1311, CA1862

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
