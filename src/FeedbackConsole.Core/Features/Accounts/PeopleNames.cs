using FeedbackConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Accounts;

/// <summary>
/// How the console names a person in lists and messages: their display name, else their e-mail, else their id.
/// One place, so the queue, the case, the knowledge bases and the releases call the same person the same thing.
/// </summary>
public static class PeopleNames
{
    /// <summary>Shown for a user id that no longer resolves (the account was deleted).</summary>
    public const string Gone = "someone who no longer exists";

    public static string Of(string? displayName, string? email, string id) =>
        string.IsNullOrWhiteSpace(displayName) ? email ?? id : displayName;

    /// <summary>The names of these people by id (nulls and repeats ignored; unknown ids left out).</summary>
    public static async Task<Dictionary<string, string>> LoadAsync(FeedbackDbContext db, IEnumerable<string?> userIds, CancellationToken cancellationToken)
    {
        var ids = userIds.OfType<string>().Distinct().ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        return (await db.Users.AsNoTracking()
                .Where(u => ids.Contains(u.Id))
                .Select(u => new { u.Id, u.DisplayName, u.Email })
                .ToListAsync(cancellationToken))
            .ToDictionary(u => u.Id, u => Of(u.DisplayName, u.Email, u.Id));
    }

    /// <summary>One person's name, or <see cref="Gone"/> when the id no longer resolves.</summary>
    public static async Task<string> LoadOneAsync(FeedbackDbContext db, string userId, CancellationToken cancellationToken) =>
        (await LoadAsync(db, [userId], cancellationToken)).GetValueOrDefault(userId, Gone);

    /// <summary>A name from <paramref name="names"/>: "—" for nobody, <see cref="Gone"/> for an id that no longer resolves.</summary>
    public static string NameOf(IReadOnlyDictionary<string, string> names, string? userId) =>
        userId is null ? "—" : names.GetValueOrDefault(userId, Gone);
}
