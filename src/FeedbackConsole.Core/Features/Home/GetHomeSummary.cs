using FeedbackConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Home;

/// <summary>The few numbers the home page needs to tell a signed-in person what to do next.</summary>
public sealed class GetHomeSummary(IDbContextFactory<FeedbackDbContext> contexts)
{
    public sealed record Summary(int ActiveApplications, int ActiveUsers, int UsersWithoutRole);

    public async Task<Summary> HandleAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var applications = await db.Applications.CountAsync(a => a.ArchivedAt == null, cancellationToken);
        var users = await db.Users.CountAsync(u => !u.IsDisabled, cancellationToken);
        var withoutRole = await db.Users.CountAsync(u => !u.IsDisabled && !db.UserRoles.Any(r => r.UserId == u.Id), cancellationToken);
        return new Summary(applications, users, withoutRole);
    }
}
