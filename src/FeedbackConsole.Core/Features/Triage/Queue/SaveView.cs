using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Queue;

/// <summary>
/// Saves the current queue filter under a name. Saving under a name one already has replaces that view's
/// filter (names are unique per person, compared without regard to case).
/// </summary>
public sealed class SaveView(IDbContextFactory<FeedbackDbContext> contexts, TimeProvider time)
{
    public const int MaxNameLength = 100;

    /// <summary>The saved view; <c>Replaced</c> when a view of that name existed.</summary>
    public sealed record Outcome(SavedViewItem View, bool Replaced);

    public async Task<Result<Outcome>> HandleAsync(string userId, string name, QueueFilter filter, CancellationToken cancellationToken = default)
    {
        name = (name ?? "").Trim();
        if (name.Length == 0)
        {
            return Result<Outcome>.Fail("Give the view a name.");
        }

        if (name.Length > MaxNameLength)
        {
            return Result<Outcome>.Fail($"Keep the name to {MaxNameLength} characters.");
        }

        if (name.Any(char.IsControl))
        {
            return Result<Outcome>.Fail("The name cannot contain line breaks, tabs or other control characters.");
        }

        // Page is where one was, not part of what one wants to see again.
        var query = filter.FirstPage().ToQueryString();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var mine = await db.SavedViews.Where(v => v.UserId == userId).ToListAsync(cancellationToken);
        var existing = mine.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase));
        if (existing is not null)
        {
            existing.Query = query;
            existing.Name = name;
        }
        else
        {
            existing = new SavedView { Id = Guid.NewGuid(), UserId = userId, Name = name, Query = query, CreatedAt = time.GetUtcNow() };
            db.SavedViews.Add(existing);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Result<Outcome>.Fail($"You already have a view called “{name}”.");
        }

        return Result<Outcome>.Ok(new Outcome(new SavedViewItem(existing.Id, existing.Name, existing.Query), mine.Contains(existing)));
    }
}
