using System.Globalization;

namespace FeedbackConsole.Web.Components.Pages.Admin;

/// <summary>How the admin pages write times: "3 days ago" for recent ones, a date otherwise, "Never" for none.</summary>
internal static class AdminFormat
{
    public static string Ago(DateTimeOffset? when, DateTimeOffset now)
    {
        if (when is null)
        {
            return "Never";
        }

        var span = now - when.Value;
        return span switch
        {
            { TotalMinutes: < 1 } => "Just now",
            { TotalHours: < 1 } => $"{(int)span.TotalMinutes} min ago",
            { TotalDays: < 1 } => $"{(int)span.TotalHours} h ago",
            { TotalDays: < 2 } => "Yesterday",
            { TotalDays: < 30 } => $"{(int)span.TotalDays} days ago",
            _ => Date(when.Value),
        };
    }

    public static string Date(DateTimeOffset when) => when.ToLocalTime().ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>The full time, for a tooltip.</summary>
    public static string Exact(DateTimeOffset? when) =>
        when?.ToLocalTime().ToString("d MMM yyyy, HH:mm:ss zzz", CultureInfo.InvariantCulture) ?? "";
}
