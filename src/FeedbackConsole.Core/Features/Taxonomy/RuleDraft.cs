using System.Globalization;
using System.Text.RegularExpressions;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Enrichment;

namespace FeedbackConsole.Core.Features.Taxonomy;

/// <summary>
/// A rule as an admin edits it. Every condition that is set must hold; unset ones match anything (see
/// <see cref="FailureModeRule"/>). <see cref="Validate"/> turns it into a rule or a sentence saying what to fix.
/// </summary>
public sealed record RuleDraft(
    string Name,
    SignalKind? Kind,
    string? Dimension,
    FlagCategory? Flag,
    int? MaxRating,
    bool? ThumbUp,
    string? TextPattern,
    double Weight,
    bool Enabled)
{
    public const int NameMaxLength = 200;
    public const int DimensionMaxLength = 100;
    public const int PatternMaxLength = 500;

    /// <summary>The normalized rule (not attached to a mode), or the first problem.</summary>
    public (FailureModeRule? Rule, string? Error) Validate()
    {
        var name = (Name ?? "").Trim();
        var dimension = string.IsNullOrWhiteSpace(Dimension) ? null : Dimension.Trim().ToLowerInvariant();
        var pattern = string.IsNullOrWhiteSpace(TextPattern) ? null : TextPattern.Trim();

        string? error =
            name.Length == 0 ? "Give the rule a name that says what it catches, such as “Low accuracy rating”."
            : name.Length > NameMaxLength ? $"The name is longer than {NameMaxLength} characters."
            : Kind is null && dimension is null && Flag is null && MaxRating is null && ThumbUp is null && pattern is null
                ? "Set at least one condition: a rule without any would match every signal."
            : dimension is not null && Kind is not (null or SignalKind.Rating) ? "A dimension applies to ratings only: choose the kind “rating” or clear the dimension."
            : dimension is { Length: > DimensionMaxLength } ? $"The dimension is longer than {DimensionMaxLength} characters."
            : MaxRating is not null && Kind is not (null or SignalKind.Rating) ? "A maximum rating applies to ratings only: choose the kind “rating” or clear it."
            : MaxRating is < 1 or > 5 ? "The maximum rating is between 1 and 5."
            : ThumbUp is not null && Kind is not (null or SignalKind.Thumb) ? "A thumb direction applies to thumbs only: choose the kind “thumb” or clear it."
            : Flag is not null && Kind is not (null or SignalKind.Flag) ? "A flag category applies to flags only: choose the kind “flag” or clear it."
            : double.IsNaN(Weight) || Weight is < 0 or > 1 ? "The weight is between 0 and 1."
            : pattern is { Length: > PatternMaxLength } ? $"The text pattern is longer than {PatternMaxLength} characters."
            : null;
        if (error is null && pattern is not null && CompilePattern(pattern).Error is { } patternError)
        {
            error = patternError;
        }

        if (error is not null)
        {
            return (null, error);
        }

        return (new FailureModeRule
        {
            Name = name,
            Kind = Kind,
            Dimension = dimension,
            Flag = Flag,
            MaxRating = MaxRating,
            ThumbUp = ThumbUp,
            TextPattern = pattern,
            Weight = Math.Round(Weight, 2),
            Enabled = Enabled,
        }, null);
    }

    /// <summary>Compiles a text pattern as enrichment runs it: case-insensitive, with <see cref="RuleMatcher.PatternTimeout"/>.</summary>
    public static (Regex? Regex, string? Error) CompilePattern(string pattern)
    {
        try
        {
            return (new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RuleMatcher.PatternTimeout), null);
        }
        catch (ArgumentException ex)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"The text pattern is not a valid regular expression: {ex.Message}"));
        }
    }

    /// <summary>The rule's conditions for the audit trail and the page, e.g. "rating, accuracy, ≤ 2".</summary>
    public static string Describe(FailureModeRule rule)
    {
        var parts = new List<string>();
        if (rule.Kind is { } kind)
        {
            parts.Add(kind.ToString().ToLowerInvariant());
        }

        if (rule.Dimension is { } dimension)
        {
            parts.Add(dimension);
        }

        if (rule.Flag is { } flag)
        {
            parts.Add(flag.ToString().ToLowerInvariant() + " flag");
        }

        if (rule.MaxRating is { } max)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"rating ≤ {max}"));
        }

        if (rule.ThumbUp is { } up)
        {
            parts.Add(up ? "thumb up" : "thumb down");
        }

        if (rule.TextPattern is { } pattern)
        {
            parts.Add($"text matches /{pattern}/");
        }

        return string.Join(", ", parts);
    }
}
