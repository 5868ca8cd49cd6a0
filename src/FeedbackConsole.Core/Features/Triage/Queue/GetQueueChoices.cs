using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Triage.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace FeedbackConsole.Core.Features.Triage.Queue;

/// <summary>What the queue's filter bar offers: applications, failure modes, people who hold cases, and the segment values seen.</summary>
public sealed class GetQueueChoices(IDbContextFactory<FeedbackDbContext> contexts, IMemoryCache cache)
{
    private static readonly TimeSpan SegmentCacheLifetime = TimeSpan.FromMinutes(5);
    private const int MaxSegmentValues = 200;

    public sealed record Option(string Value, string Label);

    public sealed record FailureModeOption(string Key, string Name, string? ParentName, bool Retired);

    public sealed record Choices(
        IReadOnlyList<Option> Applications,
        IReadOnlyList<FailureModeOption> FailureModes,
        IReadOnlyList<Option> People,
        IReadOnlyList<string> Roles,
        IReadOnlyList<string> TaskTypes,
        IReadOnlyList<string> ModelVersions);

    private sealed record Segments(IReadOnlyList<string> Roles, IReadOnlyList<string> TaskTypes, IReadOnlyList<string> ModelVersions);

    public async Task<Choices> HandleAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var applications = (await db.Applications.AsNoTracking().Select(a => new { a.Id, a.Name, a.ArchivedAt }).ToListAsync(cancellationToken))
            .OrderBy(a => a.ArchivedAt is not null)
            .ThenBy(a => a.Name, StringComparer.CurrentCultureIgnoreCase)
            .Select(a => new Option(a.Id.ToString("D"), a.ArchivedAt is null ? a.Name : a.Name + " (archived)"))
            .ToList();
        var modes = await db.FailureModes.AsNoTracking()
            .Select(m => new { m.Key, m.Name, ParentName = m.Parent != null ? m.Parent.Name : null, m.RetiredAt, m.SortOrder })
            .ToListAsync(cancellationToken);
        var failureModes = modes
            .OrderBy(m => m.Key, StringComparer.Ordinal)
            .Select(m => new FailureModeOption(m.Key, m.Name, m.ParentName, m.RetiredAt is not null))
            .ToList();
        var people = (await ClaimRules.ReviewersAsync(db, cancellationToken)).Select(p => new Option(p.Id, p.Name)).ToList();

        // Distinct segment values scan the cases table: done at most every few minutes, not per keystroke.
        var segments = await cache.GetOrCreateAsync("triage-queue-segments", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = SegmentCacheLifetime;
            var roles = await db.Cases.AsNoTracking().Where(c => c.UserRole != null).Select(c => c.UserRole!).Distinct().OrderBy(r => r).Take(MaxSegmentValues).ToListAsync(cancellationToken);
            var tasks = await db.Cases.AsNoTracking().Where(c => c.TaskType != null).Select(c => c.TaskType!).Distinct().OrderBy(r => r).Take(MaxSegmentValues).ToListAsync(cancellationToken);
            var models = await db.Cases.AsNoTracking().Where(c => c.ModelVersion != null).Select(c => c.ModelVersion!).Distinct().OrderBy(r => r).Take(MaxSegmentValues).ToListAsync(cancellationToken);
            return new Segments(roles, tasks, models);
        });

        return new Choices(applications, failureModes, people, segments!.Roles, segments.TaskTypes, segments.ModelVersions);
    }
}
