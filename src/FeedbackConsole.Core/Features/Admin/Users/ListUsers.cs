using FeedbackConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Admin.Users;

/// <summary>The people who may sign in, with their roles and state, for the Users admin page.</summary>
public sealed class ListUsers(IDbContextFactory<FeedbackDbContext> contexts, TimeProvider time)
{
    public sealed record Row(
        string Id,
        string Email,
        string DisplayName,
        IReadOnlyList<string> Roles,
        bool IsDisabled,
        DateTimeOffset? LockedOutUntil,
        bool MustChangePassword,
        DateTimeOffset CreatedAt,
        DateTimeOffset? LastSignInAt);

    public async Task<IReadOnlyList<Row>> HandleAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var users = await db.Users.AsNoTracking()
            .Select(u => new
            {
                u.Id,
                u.Email,
                u.DisplayName,
                u.IsDisabled,
                u.LockoutEnd,
                u.MustChangePassword,
                u.CreatedAt,
                u.LastSignInAt,
            })
            .ToListAsync(cancellationToken);
        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           select new { ur.UserId, r.Name })
            .ToListAsync(cancellationToken);
        var rolesByUser = roles.ToLookup(r => r.UserId, r => r.Name!);
        var now = time.GetUtcNow();

        return users
            .Select(u => new Row(
                u.Id,
                u.Email ?? "",
                u.DisplayName,
                [.. rolesByUser[u.Id].Order(StringComparer.Ordinal)],
                u.IsDisabled,
                u.LockoutEnd > now ? u.LockoutEnd : null,
                u.MustChangePassword,
                u.CreatedAt,
                u.LastSignInAt))
            .OrderBy(u => u.DisplayName, StringComparer.CurrentCultureIgnoreCase)
            .ThenBy(u => u.Email, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }
}
