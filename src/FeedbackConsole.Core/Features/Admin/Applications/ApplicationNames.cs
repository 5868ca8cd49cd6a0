using FeedbackConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Admin.Applications;

/// <summary>
/// The rules for an application's name: 1–100 characters once trimmed, no control characters, and unique
/// regardless of case (including archived applications, whose names stay taken).
/// </summary>
public static class ApplicationNames
{
    public const int MaxLength = 100;

    /// <summary>The trimmed name, or a sentence saying what is wrong with it.</summary>
    public static (string Name, string? Error) Normalize(string? raw)
    {
        var name = raw?.Trim() ?? "";
        if (name.Length == 0)
        {
            return (name, "Enter a name for the application.");
        }

        if (name.Length > MaxLength)
        {
            return (name, $"Keep the name to {MaxLength} characters or fewer.");
        }

        return name.Any(char.IsControl) ? (name, "The name cannot contain line breaks, tabs or other control characters.") : (name, null);
    }

    /// <summary>
    /// A sentence when another application already has this name in any case, else null. The names are
    /// compared in memory: there are few applications, and SQLite's <c>upper()</c> folds ASCII only.
    /// </summary>
    public static async Task<string?> FindConflictAsync(FeedbackDbContext db, string name, Guid? except, CancellationToken cancellationToken)
    {
        var taken = await db.Applications.AsNoTracking()
            .Where(a => except == null || a.Id != except)
            .Select(a => new { a.Name, a.ArchivedAt })
            .ToListAsync(cancellationToken);
        var clash = taken.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
        return clash switch
        {
            null => null,
            { ArchivedAt: not null } => $"An archived application is already called “{clash.Name}”. Unarchive it, or choose another name.",
            _ => $"An application called “{clash.Name}” already exists. Choose another name.",
        };
    }
}
