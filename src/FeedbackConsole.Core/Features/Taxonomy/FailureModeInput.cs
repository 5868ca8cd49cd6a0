using System.Text.RegularExpressions;

namespace FeedbackConsole.Core.Features.Taxonomy;

/// <summary>Validation of a failure mode's key, name and description, in sentences an admin can act on.</summary>
public static partial class FailureModeInput
{
    public const int KeyMaxLength = 100;
    public const int NameMaxLength = 100;
    public const int DescriptionMaxLength = 1000;

    /// <summary>Audit entity type of failure modes.</summary>
    public const string EntityType = "failure_mode";

    /// <summary>Audit entity type of rules.</summary>
    public const string RuleEntityType = "failure_mode_rule";

    /// <summary>The trimmed key, or an error. Keys are lower-case dotted words: <c>factual.outdated</c>.</summary>
    public static (string Key, string? Error) Key(string? key)
    {
        var value = (key ?? "").Trim();
        if (value.Length == 0)
        {
            return (value, "Give the mode a key, such as “factual.outdated”.");
        }

        if (value.Length > KeyMaxLength)
        {
            return (value, $"The key is longer than {KeyMaxLength} characters.");
        }

        return KeyPattern().IsMatch(value)
            ? (value, null)
            : (value, "A key is lower-case words of letters, digits and _ joined by dots, each starting with a letter: “factual.outdated”.");
    }

    public static (string Name, string Description, string? Error) NameAndDescription(string? name, string? description)
    {
        var n = (name ?? "").Trim();
        var d = (description ?? "").Trim();
        if (n.Length == 0)
        {
            return (n, d, "Give the mode a name.");
        }

        if (n.Length > NameMaxLength)
        {
            return (n, d, $"The name is longer than {NameMaxLength} characters.");
        }

        return d.Length > DescriptionMaxLength
            ? (n, d, $"The description is longer than {DescriptionMaxLength} characters.")
            : (n, d, null);
    }

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
