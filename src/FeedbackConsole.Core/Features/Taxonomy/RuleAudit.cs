using System.Globalization;
using FeedbackConsole.Core.Domain;

namespace FeedbackConsole.Core.Features.Taxonomy;

/// <summary>A rule's fields as the audit trail records them.</summary>
internal static class RuleAudit
{
    public static Dictionary<string, string?> Fields(FailureModeRule rule, string modeKey) => new(StringComparer.Ordinal)
    {
        ["mode"] = modeKey,
        ["name"] = rule.Name,
        ["kind"] = rule.Kind?.ToString().ToLowerInvariant(),
        ["dimension"] = rule.Dimension,
        ["flag"] = rule.Flag?.ToString().ToLowerInvariant(),
        ["maxRating"] = rule.MaxRating?.ToString(CultureInfo.InvariantCulture),
        ["thumb"] = rule.ThumbUp switch { true => "up", false => "down", null => null },
        ["textPattern"] = rule.TextPattern,
        ["weight"] = rule.Weight.ToString("0.##", CultureInfo.InvariantCulture),
        ["enabled"] = rule.Enabled ? "true" : "false",
    };
}
