using FeedbackConsole.Core.Domain;

namespace FeedbackConsole.Core.Features.Enrichment;

/// <summary>
/// Everything the pipeline steps read and write for one interaction: its stored signals, its neighbours
/// in the conversation, the active rules, and what the steps conclude. Steps are pure over this object, so
/// each can be tested alone; <see cref="EnrichmentPipeline"/> loads and saves it.
/// </summary>
public sealed class EnrichmentContext
{
    public required Interaction Interaction { get; init; }

    /// <summary>All signals on the interaction, sent and derived, including ones enriched before.</summary>
    public required List<Signal> Signals { get; init; }

    /// <summary>The same end user's previous turn in the conversation, if any (set by conversation linking).</summary>
    public Interaction? PreviousTurn { get; set; }

    /// <summary>Candidates for <see cref="PreviousTurn"/>, loaded by the pipeline (same conversation, earlier).</summary>
    public IReadOnlyList<Interaction> EarlierTurns { get; init; } = [];

    public required IReadOnlyList<ActiveRule> Rules { get; init; }

    public required DateTimeOffset Now { get; init; }

    /// <summary>Signals derived by the steps, to be stored (on this interaction or on <see cref="PreviousTurn"/>).</summary>
    public List<Signal> Derived { get; } = [];

    /// <summary>Suggested failure modes by mode id.</summary>
    public Dictionary<int, Suggestion> Suggestions { get; } = [];

    public double Priority { get; set; }

    /// <summary>Signals that count for this interaction: the stored ones plus those derived in this pass for it.</summary>
    public IEnumerable<Signal> AllSignals => Signals.Concat(Derived.Where(d => d.InteractionId == Interaction.Id));
}

/// <summary>A rule of a mode that is not retired, ready to match.</summary>
public sealed record ActiveRule(FailureModeRule Rule, string ModeKey);

/// <summary>Why a failure mode is suggested: the best-weighted rule and signal that matched.</summary>
public sealed record Suggestion(int FailureModeId, int RuleId, double Score, string Reason);

/// <summary>One ordered, individually testable step of the enrichment pipeline.</summary>
public interface IEnrichmentStep
{
    void Apply(EnrichmentContext context);
}
