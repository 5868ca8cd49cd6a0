using FeedbackConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Queue;

/// <summary>A saved queue view as the menu lists it.</summary>
public sealed record SavedViewItem(Guid Id, string Name, string Query);

/// <summary>A person's saved queue views, by name.</summary>
public sealed class ListSavedViews(IDbContextFactory<FeedbackDbContext> contexts)
{
    public async Task<IReadOnlyList<SavedViewItem>> HandleAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var views = await db.SavedViews.AsNoTracking()
            .Where(v => v.UserId == userId)
            .Select(v => new SavedViewItem(v.Id, v.Name, v.Query))
            .ToListAsync(cancellationToken);
        return views.OrderBy(v => v.Name, StringComparer.CurrentCultureIgnoreCase).ToList();
    }
}
