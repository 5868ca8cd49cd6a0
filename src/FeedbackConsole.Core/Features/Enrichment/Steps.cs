using System.Globalization;
using System.Text.RegularExpressions;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Options;

namespace FeedbackConsole.Core.Features.Enrichment;

/// <summary>1. Context fill: a signal without an end user belongs to the interaction's end user.</summary>
public sealed class ContextFillStep : IEnrichmentStep
{
    public void Apply(EnrichmentContext context)
    {
        foreach (var signal in context.Signals.Where(s => s.EndUserId is null))
        {
            signal.EndUserId = context.Interaction.EndUserId;
        }
    }
}

/// <summary>2. Conversation linking: finds the same end user's previous turn in the conversation.</summary>
public sealed class ConversationLinkingStep : IEnrichmentStep
{
    public void Apply(EnrichmentContext context)
    {
        var turn = context.Interaction;
        context.PreviousTurn = turn.ConversationId is null
            ? null
            : context.EarlierTurns
                .Where(t => t.ConversationId == turn.ConversationId && t.EndUserId == turn.EndUserId && t.Id != turn.Id
                            && (t.OccurredAt < turn.OccurredAt || (t.OccurredAt == turn.OccurredAt && t.Id < turn.Id)))
                .OrderByDescending(t => t.OccurredAt).ThenByDescending(t => t.Id)
                .FirstOrDefault();
    }
}

/// <summary>
/// 3. Derived signals: "regenerated N times before accepting", "left after a short look" (short dwell then
/// abandon), and "asked again differently" (the next question repeats the previous one soon after the answer).
/// Each derived signal has a deterministic id, so deriving twice stores it once.
/// </summary>
public sealed class DerivedSignalsStep(EnrichmentOptions options) : IEnrichmentStep
{
    public void Apply(EnrichmentContext context)
    {
        var interaction = context.Interaction;
        var existing = context.Signals.Where(s => s.IsDerived).Select(s => s.ExternalId).ToHashSet(StringComparer.Ordinal);

        var regenerations = context.Signals.Count(s => s.Kind == SignalKind.Regenerate && !s.IsDerived);
        if (regenerations >= options.RegenerateThreshold)
        {
            var accepted = context.Signals.Any(s => !s.IsDerived && SignalPolarity.Of(s) > 0);
            Add(context, existing, interaction, $"derived:regenerated:{interaction.ExternalId}", SignalKind.Regenerate,
                accepted
                    ? $"Regenerated {regenerations} times before accepting"
                    : $"Regenerated {regenerations} times");
        }

        var shortDwell = context.Signals.Any(s => s.Kind == SignalKind.Dwell && !s.IsDerived && s.DwellMilliseconds < options.ShortDwellMilliseconds);
        var abandoned = context.Signals.Any(s => s.Kind == SignalKind.Abandon && !s.IsDerived);
        if (shortDwell && abandoned)
        {
            var dwell = context.Signals.Where(s => s.Kind == SignalKind.Dwell && s.DwellMilliseconds is not null).Min(s => s.DwellMilliseconds!.Value);
            Add(context, existing, interaction, $"derived:short-dwell-abandon:{interaction.ExternalId}", SignalKind.Abandon,
                string.Create(CultureInfo.InvariantCulture, $"Left after {dwell / 1000.0:0.#} s without using the answer"));
        }

        if (context.PreviousTurn is { } previous
            && interaction.OccurredAt - previous.OccurredAt <= options.ReformulationWindow
            && TextSimilarity.Jaccard(previous.Input, interaction.Input) >= 0.4
            && !string.Equals(previous.Input.Trim(), interaction.Input.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            // Derived on the previous turn: its answer is what made the user ask again.
            Add(context, null, previous, $"derived:reformulated:{previous.ExternalId}", SignalKind.Reformulation,
                interaction.Input, reformulatedBy: interaction.ExternalId);
        }
    }

    private static void Add(EnrichmentContext context, HashSet<string>? existing, Interaction on, string externalId, SignalKind kind, string text, string? reformulatedBy = null)
    {
        if (existing?.Contains(externalId) == true || context.Derived.Any(d => d.ExternalId == externalId))
        {
            return;
        }

        context.Derived.Add(new Signal
        {
            ApplicationId = on.ApplicationId,
            ExternalId = externalId,
            InteractionExternalId = on.ExternalId,
            InteractionId = on.Id,
            EndUserId = on.EndUserId,
            Kind = kind,
            Text = text,
            OccurredAt = context.Now,
            ReceivedAt = context.Now,
            EnrichedAt = context.Now,
            IsDerived = true,
            ContentHash = externalId,
            Metadata = reformulatedBy is null ? null : $"{{\"reformulatedBy\":{System.Text.Json.JsonSerializer.Serialize(reformulatedBy)}}}",
        });
    }
}

/// <summary>4. Failure-mode suggestion: every active rule against every signal; the best match per mode wins.</summary>
public sealed class FailureModeSuggestionStep : IEnrichmentStep
{
    public void Apply(EnrichmentContext context)
    {
        foreach (var signal in context.AllSignals)
        {
            foreach (var (rule, modeKey) in context.Rules)
            {
                if (!RuleMatcher.Matches(rule, signal))
                {
                    continue;
                }

                if (context.Suggestions.TryGetValue(rule.FailureModeId, out var current) && current.Score >= rule.Weight)
                {
                    continue;
                }

                context.Suggestions[rule.FailureModeId] = new Suggestion(rule.FailureModeId, rule.Id, rule.Weight,
                    $"Rule \"{rule.Name}\" matched {Describe(signal)} → {modeKey}");
            }
        }
    }

    private static string Describe(Signal signal) => signal.Kind switch
    {
        SignalKind.Rating => $"a rating of {signal.Rating} on {signal.Dimension}",
        SignalKind.Thumb => signal.ThumbUp == true ? "a thumb up" : "a thumb down",
        SignalKind.Flag => $"a {signal.Flag?.ToString().ToLowerInvariant()} flag",
        _ when signal.IsDerived => $"the derived signal \"{signal.Text}\"",
        _ => $"a {signal.Kind.ToString().ToLowerInvariant()}",
    };
}

/// <summary>
/// 5. Priority: safety flags first, then compliance flags, then severity × reach × recency, where severity
/// is the strongest negative signal or matched rule, reach grows with the number of distinct end users,
/// and recency halves about every week.
/// </summary>
public sealed class PriorityStep : IEnrichmentStep
{
    public void Apply(EnrichmentContext context)
    {
        var signals = context.AllSignals.ToList();
        var negatives = signals.Where(s => SignalPolarity.Of(s) < 0).ToList();
        var severity = Math.Max(
            negatives.Count == 0 ? 0 : negatives.Max(SignalPolarity.Severity),
            context.Suggestions.Count == 0 ? 0 : context.Suggestions.Values.Max(s => s.Score));
        var reach = signals.Select(s => s.EndUserId ?? "").Distinct(StringComparer.Ordinal).Count();
        var last = signals.Count == 0 ? context.Now : signals.Max(s => s.OccurredAt);
        var ageDays = Math.Max(0, (context.Now - last).TotalDays);
        var recency = Math.Exp(-ageDays / 10.0);

        var baseScore = 100 * severity * (1 + Math.Log2(1 + reach)) / 2 * recency;
        var flags = signals.Where(s => s.Kind == SignalKind.Flag).Select(s => s.Flag).ToList();
        context.Priority = Math.Round(
            flags.Contains(FlagCategory.Safety) ? 2000 + baseScore
            : flags.Contains(FlagCategory.Compliance) ? 1000 + baseScore
            : baseScore, 3);
    }
}

/// <summary>Matches a rule against a signal; text patterns run with a timeout so a bad pattern cannot stall ingest.</summary>
public static class RuleMatcher
{
    /// <summary>How long one text pattern may run on one signal's text.</summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(50);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex?> Patterns = new(StringComparer.Ordinal);

    public static bool Matches(FailureModeRule rule, Signal signal) =>
        Matches(rule, signal, string.IsNullOrEmpty(rule.TextPattern) ? null : Compile(rule.TextPattern));

    /// <summary>
    /// Matches with the given compiled <paramref name="pattern"/> for the rule's text pattern (the taxonomy
    /// preview compiles drafts itself rather than filling this class's cache with every keystroke).
    /// </summary>
    public static bool Matches(FailureModeRule rule, Signal signal, Regex? pattern)
    {
        if (!rule.Enabled
            || (rule.Kind is { } kind && kind != signal.Kind)
            || (rule.Dimension is { } dimension && !string.Equals(dimension, signal.Dimension, StringComparison.OrdinalIgnoreCase))
            || (rule.Flag is { } flag && flag != signal.Flag)
            || (rule.MaxRating is { } max && (signal.Rating is null || signal.Rating > max))
            || (rule.ThumbUp is { } up && signal.ThumbUp != up))
        {
            return false;
        }

        if (string.IsNullOrEmpty(rule.TextPattern))
        {
            return true;
        }

        if (pattern is null || string.IsNullOrEmpty(signal.Text))
        {
            return false;
        }

        try
        {
            return pattern.IsMatch(signal.Text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>Null when the pattern is not a valid regular expression (the rule then never matches).</summary>
    public static Regex? Compile(string pattern) =>
        Patterns.GetOrAdd(pattern, p =>
        {
            try
            {
                return new Regex(p, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, PatternTimeout);
            }
            catch (ArgumentException)
            {
                return null;
            }
        });
}

/// <summary>Word-overlap similarity, enough to tell "the same question asked again" from a new one.</summary>
public static partial class TextSimilarity
{
    public static double Jaccard(string a, string b)
    {
        var left = Words(a);
        var right = Words(b);
        if (left.Count == 0 || right.Count == 0)
        {
            return 0;
        }

        var shared = left.Intersect(right).Count();
        return (double)shared / left.Union(right).Count();
    }

    private static HashSet<string> Words(string text) =>
        WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value).Where(w => w.Length > 2).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\p{L}[\p{L}\p{N}']*")]
    private static partial Regex WordPattern();
}
