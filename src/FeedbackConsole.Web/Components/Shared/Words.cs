using System.Globalization;

namespace FeedbackConsole.Web.Components.Shared;

/// <summary>Small wording helpers every page shares, so counts read the same everywhere ("1 entry", "1,204 entries").</summary>
public static class Words
{
    /// <summary>"1 entry" or "12 entries"; the number with thousands separators.</summary>
    public static string Plural(int count, string one, string many) =>
        count == 1 ? $"1 {one}" : $"{count.ToString("N0", CultureInfo.InvariantCulture)} {many}";
}
