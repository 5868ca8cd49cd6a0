using System.Text.RegularExpressions;
using FeedbackConsole.Core.Domain;

namespace FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;

/// <summary>
/// One guard rule of a release. A rule with a <see cref="TaskType"/> applies only to requests of that task type
/// (case-insensitive); without one it applies to every request. <see cref="Message"/> is what the app is told when
/// the rule is broken.
/// </summary>
public sealed record GuardRule(Guid EntryId, Guid RevisionId, string Title, GuardRuleType Type, string Pattern, string Message, string? TaskType = null)
{
    /// <summary>Longest pattern, phrase or disclaimer accepted.</summary>
    public const int MaxPatternLength = 2000;

    /// <summary>Longest a pattern may run on one output before the check counts as failed.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    /// <summary>Options every <see cref="GuardRuleType.ForbiddenPattern"/> regex is compiled with.</summary>
    public const RegexOptions PatternOptions = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    /// <summary>Why <paramref name="pattern"/> cannot be a rule of type <paramref name="type"/>, readable for the
    /// author; null when it can. Call it when a rule is written, so a release never holds an invalid one.</summary>
    public static string? Validate(GuardRuleType type, string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return type switch
            {
                GuardRuleType.ForbiddenPattern => "Enter the regular expression the output must not match.",
                GuardRuleType.ForbiddenPhrase => "Enter the phrase the output must not contain.",
                _ => "Enter the disclaimer the output must contain.",
            };
        }

        if (pattern.Length > MaxPatternLength)
        {
            return $"Keep it under {MaxPatternLength:N0} characters (this one has {pattern.Length:N0}).";
        }

        if (type == GuardRuleType.ForbiddenPattern)
        {
            try
            {
                _ = new Regex(pattern, PatternOptions, MatchTimeout);
            }
            catch (ArgumentException e)
            {
                return $"This is not a valid regular expression: {e.Message}";
            }
        }
        else if (TextAnalyzer.Fold(pattern).Length == 0)
        {
            return "The text needs at least one letter or digit.";
        }

        return null;
    }
}

/// <summary>A broken guard rule: the rule (its entry id) and what the app is told.</summary>
public sealed record GuardViolation(Guid RuleId, string Message);

/// <summary>The outcome of checking one output against a release's guards.</summary>
public sealed record GuardCheckResult(bool Passed, IReadOnlyList<GuardViolation> Violations);

/// <summary>
/// The guard rules of one immutable release, compiled once and then checked by any number of threads at once.
/// Phrases and disclaimers compare folded text (<see cref="TextAnalyzer.Fold"/>: case, diacritics, punctuation and
/// whitespace runs ignored) as whole words: "refund guaranteed" is found in "Refund — GUARANTEED!", "cat" is not
/// found in "concatenate". Patterns are .NET regular expressions, case-insensitive, compiled, each
/// limited to <see cref="GuardRule.MatchTimeout"/> per output. The guards fail closed: a pattern that times out, or
/// one that is invalid though it should have been rejected when written, is reported as a violation that says so,
/// never thrown.
/// </summary>
public sealed class GuardSet
{
    private readonly CompiledRule[] _rules;

    private GuardSet(CompiledRule[] rules) => _rules = rules;

    /// <summary>A set of no rules: everything passes. The baseline of a first release.</summary>
    public static GuardSet Empty { get; } = new([]);

    /// <summary>Rules, ordered by entry id (the order violations are reported in).</summary>
    public IReadOnlyList<GuardRule> Rules => _rules.Select(r => r.Rule).ToArray();

    /// <summary>Compiles a release's rules.</summary>
    public static GuardSet Build(IEnumerable<GuardRule> rules) =>
        new(rules.OrderBy(r => r.EntryId).Select(Compile).ToArray());

    /// <summary>Checks <paramref name="output"/> for a request of <paramref name="taskType"/> (may be null).</summary>
    public GuardCheckResult Check(string? output, string? taskType = null)
    {
        output ??= "";
        string? folded = null; // " folded output ", padded so that phrases match whole words
        List<GuardViolation>? violations = null;
        foreach (var compiled in _rules)
        {
            var rule = compiled.Rule;
            if (!string.IsNullOrWhiteSpace(rule.TaskType)
                && !string.Equals(rule.TaskType.Trim(), taskType?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var message = compiled.Error is not null
                ? $"Guard rule “{rule.Title}” could not be checked: {compiled.Error} Treated as a violation."
                : rule.Type switch
            {
                GuardRuleType.ForbiddenPattern => CheckPattern(compiled, output),
                GuardRuleType.ForbiddenPhrase => (folded ??= Padded(output)).Contains(compiled.FoldedText, StringComparison.Ordinal)
                    ? MessageOf(rule, $"The output contains the forbidden phrase “{rule.Pattern}”.")
                    : null,
                GuardRuleType.RequiredDisclaimer => (folded ??= Padded(output)).Contains(compiled.FoldedText, StringComparison.Ordinal)
                    ? null
                    : MessageOf(rule, $"The output lacks the required disclaimer “{rule.Pattern}”."),
                _ => $"Guard rule “{rule.Title}” has a type this version does not know ({rule.Type}); treated as a violation.",
            };
            if (message is not null)
            {
                (violations ??= []).Add(new GuardViolation(rule.EntryId, message));
            }
        }

        return violations is null ? new GuardCheckResult(true, []) : new GuardCheckResult(false, violations);
    }

    private static string? CheckPattern(CompiledRule compiled, string output)
    {
        var rule = compiled.Rule;
        try
        {
            return compiled.Regex!.IsMatch(output) ? MessageOf(rule, $"The output matches the forbidden pattern of “{rule.Title}”.") : null;
        }
        catch (RegexMatchTimeoutException)
        {
            return $"Guard rule “{rule.Title}” could not be checked: its pattern ran longer than {GuardRule.MatchTimeout.TotalMilliseconds:0} ms on this output. Treated as a violation.";
        }
    }

    private static string MessageOf(GuardRule rule, string fallback) => string.IsNullOrWhiteSpace(rule.Message) ? fallback : rule.Message;

    private static string Padded(string text) => " " + TextAnalyzer.Fold(text) + " ";

    private static CompiledRule Compile(GuardRule rule)
    {
        var error = GuardRule.Validate(rule.Type, rule.Pattern);
        if (error is not null)
        {
            return new CompiledRule(rule, null, "", error);
        }

        return rule.Type == GuardRuleType.ForbiddenPattern
            ? new CompiledRule(rule, new Regex(rule.Pattern, GuardRule.PatternOptions | RegexOptions.Compiled, GuardRule.MatchTimeout), "", null)
            : new CompiledRule(rule, null, Padded(rule.Pattern), null);
    }

    private sealed record CompiledRule(GuardRule Rule, Regex? Regex, string FoldedText, string? Error);
}
