namespace FeedbackConsole.Core.Domain;

/// <summary>The console's roles, from most to least privileged (see DESIGN.md, "People").</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Lead = "Lead";
    public const string Reviewer = "Reviewer";

    public static IReadOnlyList<string> All { get; } = [Admin, Lead, Reviewer];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}
