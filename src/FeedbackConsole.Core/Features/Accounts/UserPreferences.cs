using FeedbackConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Accounts;

/// <summary>Per-user console preferences (the theme), read and saved in a short DbContext each time.</summary>
public sealed class UserPreferences(IDbContextFactory<FeedbackDbContext> contexts)
{
    /// <summary>The user's theme choice: null follows the browser.</summary>
    public async Task<bool?> GetDarkModeAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Users.Where(u => u.Id == userId)
            .Select(u => u.PrefersDarkMode)
            .FirstOrDefaultAsync(cancellationToken);
    }

    public async Task SetDarkModeAsync(string userId, bool? prefersDarkMode, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Users.Where(u => u.Id == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.PrefersDarkMode, prefersDarkMode), cancellationToken);
    }
}
