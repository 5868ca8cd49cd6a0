using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Enrichment;
using FeedbackConsole.Core.Options;

namespace FeedbackConsole.Core.Tests.Features.Enrichment;

public sealed class StepsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid App = Guid.NewGuid();

    private static Interaction Turn(long id, string input, string? conversation = "c1", string user = "u1", int minutesAgo = 10) => new()
    {
        Id = id, ApplicationId = App, ExternalId = $"turn-{id}", ConversationId = conversation, EndUserId = user,
        Input = input, Output = "answer", OccurredAt = Now.AddMinutes(-minutesAgo),
    };

    private static Signal S(SignalKind kind, long interactionId = 1, bool? up = null, int? rating = null, string? dimension = null,
        FlagCategory? flag = null, string? text = null, int? dwell = null, string? user = "u1", int minutesAgo = 5) => new()
    {
        ApplicationId = App, ExternalId = Guid.NewGuid().ToString(), InteractionExternalId = $"turn-{interactionId}", InteractionId = interactionId,
        Kind = kind, ThumbUp = up, Rating = rating, Dimension = dimension, Flag = flag, Text = text, DwellMilliseconds = dwell,
        EndUserId = user, OccurredAt = Now.AddMinutes(-minutesAgo),
    };

    private static EnrichmentContext Context(Interaction turn, List<Signal> signals, IReadOnlyList<Interaction>? earlier = null, IReadOnlyList<ActiveRule>? rules = null) =>
        new() { Interaction = turn, Signals = signals, EarlierTurns = earlier ?? [], Rules = rules ?? [], Now = Now };

    [Fact]
    public void ContextFill_SignalWithoutEndUser_TakesTheInteractionsEndUser()
    {
        var signal = S(SignalKind.Thumb, up: false, user: null);
        var context = Context(Turn(1, "q"), [signal]);

        new ContextFillStep().Apply(context);

        Assert.Equal("u1", signal.EndUserId);
    }

    [Fact]
    public void DerivedSignals_ThreeRegenerationsThenCopy_SaysRegeneratedBeforeAccepting()
    {
        var signals = new List<Signal> { S(SignalKind.Regenerate), S(SignalKind.Regenerate), S(SignalKind.Regenerate), S(SignalKind.Copy) };
        var context = Context(Turn(1, "q"), signals);

        new DerivedSignalsStep(new EnrichmentOptions()).Apply(context);

        var derived = Assert.Single(context.Derived);
        Assert.Equal("Regenerated 3 times before accepting", derived.Text);
        Assert.True(derived.IsDerived);
        Assert.Equal(1, derived.InteractionId);
    }

    [Fact]
    public void DerivedSignals_TwoRegenerations_DerivesNothing()
    {
        var context = Context(Turn(1, "q"), [S(SignalKind.Regenerate), S(SignalKind.Regenerate)]);

        new DerivedSignalsStep(new EnrichmentOptions()).Apply(context);

        Assert.Empty(context.Derived);
    }

    [Theory]
    [InlineData(1200, true)]
    [InlineData(45000, false)]
    public void DerivedSignals_DwellThenAbandon_NegativeOnlyWhenShort(int dwell, bool expected)
    {
        var context = Context(Turn(1, "q"), [S(SignalKind.Dwell, dwell: dwell), S(SignalKind.Abandon)]);

        new DerivedSignalsStep(new EnrichmentOptions()).Apply(context);

        Assert.Equal(expected, context.Derived.Any(d => d.Kind == SignalKind.Abandon && d.Text == "Left after 1.2 s without using the answer"));
        Assert.Equal(expected, context.Derived.Count == 1);
    }

    [Fact]
    public void DerivedSignals_AlreadyDerivedBefore_IsNotDerivedAgain()
    {
        var earlier = new Signal { ExternalId = "derived:regenerated:turn-1", IsDerived = true, Kind = SignalKind.Regenerate, InteractionId = 1 };
        var context = Context(Turn(1, "q"), [S(SignalKind.Regenerate), S(SignalKind.Regenerate), S(SignalKind.Regenerate), earlier]);

        new DerivedSignalsStep(new EnrichmentOptions()).Apply(context);

        Assert.Empty(context.Derived);
    }

    [Fact]
    public void ConversationLinkingAndDerived_SameQuestionAskedAgainSoon_IsAReformulationOfThePreviousTurn()
    {
        var previous = Turn(1, "How do I reset my router password?", minutesAgo: 3);
        var current = Turn(2, "How can I reset the password of my router", minutesAgo: 2);
        var context = Context(current, [], earlier: [previous]);

        new ConversationLinkingStep().Apply(context);
        new DerivedSignalsStep(new EnrichmentOptions()).Apply(context);

        Assert.Same(previous, context.PreviousTurn);
        var derived = Assert.Single(context.Derived);
        Assert.Equal(SignalKind.Reformulation, derived.Kind);
        Assert.Equal(previous.Id, derived.InteractionId);
        Assert.Equal(current.Input, derived.Text);
    }

    [Theory]
    [InlineData("What are your opening hours on Sunday?", 2)]     // a different question
    [InlineData("How can I reset the password of my router", 30)] // too long after the answer
    public void DerivedSignals_NewQuestionOrLateRepeat_IsNoReformulation(string next, int minutesLater)
    {
        var previous = Turn(1, "How do I reset my router password?", minutesAgo: 40);
        var current = Turn(2, next, minutesAgo: 40 - minutesLater);
        var context = Context(current, [], earlier: [previous]);

        new ConversationLinkingStep().Apply(context);
        new DerivedSignalsStep(new EnrichmentOptions()).Apply(context);

        Assert.Empty(context.Derived);
    }

    [Fact]
    public void ConversationLinking_OtherUsersTurn_IsNotThePreviousTurn()
    {
        var context = Context(Turn(2, "q", user: "u1"), [], earlier: [Turn(1, "q", user: "someone-else", minutesAgo: 11)]);

        new ConversationLinkingStep().Apply(context);

        Assert.Null(context.PreviousTurn);
    }

    [Fact]
    public void Suggestion_BestWeightPerModeWins_AndSaysWhichRuleMatched()
    {
        var rules = new List<ActiveRule>
        {
            new(new FailureModeRule { Id = 1, FailureModeId = 10, Name = "Low accuracy rating", Kind = SignalKind.Rating, Dimension = "accuracy", MaxRating = 2, Weight = 0.8 }, "factual.error"),
            new(new FailureModeRule { Id = 2, FailureModeId = 10, Name = "Correction", Kind = SignalKind.Correction, Weight = 0.6 }, "factual.error"),
            new(new FailureModeRule { Id = 3, FailureModeId = 20, Name = "Low tone rating", Kind = SignalKind.Rating, Dimension = "tone", MaxRating = 2, Weight = 0.8 }, "tone.inappropriate"),
        };
        var context = Context(Turn(1, "q"), [S(SignalKind.Correction, text: "fixed"), S(SignalKind.Rating, rating: 1, dimension: "Accuracy"), S(SignalKind.Rating, rating: 4, dimension: "tone")], rules: rules);

        new FailureModeSuggestionStep().Apply(context);

        var suggestion = Assert.Single(context.Suggestions.Values);
        Assert.Equal(10, suggestion.FailureModeId);
        Assert.Equal(1, suggestion.RuleId);
        Assert.Equal("Rule \"Low accuracy rating\" matched a rating of 1 on Accuracy → factual.error", suggestion.Reason);
    }

    [Fact]
    public void Priority_SafetyFlagOutranksAnyAmountOfOrdinaryNegativeFeedback()
    {
        var flagged = Context(Turn(1, "q"), [S(SignalKind.Flag, flag: FlagCategory.Safety, minutesAgo: 60 * 24 * 30)]);
        var compliance = Context(Turn(2, "q"), [S(SignalKind.Flag, interactionId: 2, flag: FlagCategory.Compliance)]);
        var crowd = Context(Turn(3, "q"), [.. Enumerable.Range(0, 50).Select(i => S(SignalKind.Correction, interactionId: 3, text: "x", user: $"user-{i}"))]);

        foreach (var context in new[] { flagged, compliance, crowd })
        {
            new PriorityStep().Apply(context);
        }

        Assert.True(flagged.Priority > compliance.Priority, $"{flagged.Priority} vs {compliance.Priority}");
        Assert.True(compliance.Priority > crowd.Priority, $"{compliance.Priority} vs {crowd.Priority}");
    }

    [Fact]
    public void Priority_MoreEndUsersAndFresher_RankHigher()
    {
        EnrichmentContext Make(int users, int minutesAgo) =>
            Context(Turn(1, "q"), [.. Enumerable.Range(0, users).Select(i => S(SignalKind.Thumb, up: false, user: $"u{i}", minutesAgo: minutesAgo))]);
        var one = Make(1, 5);
        var many = Make(8, 5);
        var old = Make(8, 60 * 24 * 60);

        foreach (var context in new[] { one, many, old })
        {
            new PriorityStep().Apply(context);
        }

        Assert.True(many.Priority > one.Priority);
        Assert.True(many.Priority > old.Priority);
        Assert.True(one.Priority > 0);
    }

    [Theory]
    [InlineData(@"\b(wrong|incorrect)\b", "That is WRONG.", true)]
    [InlineData(@"\b(wrong|incorrect)\b", "Strongly agree", false)]
    [InlineData(@"(unclosed", "anything (unclosed", false)] // an invalid pattern never matches, never throws
    public void RuleMatcher_TextPattern_CaseInsensitiveAndSafe(string pattern, string text, bool expected)
    {
        var rule = new FailureModeRule { Name = "r", Kind = SignalKind.Comment, TextPattern = pattern };

        Assert.Equal(expected, RuleMatcher.Matches(rule, S(SignalKind.Comment, text: text)));
    }

    [Theory]
    [InlineData(SignalKind.Thumb, true, null, 1)]
    [InlineData(SignalKind.Thumb, false, null, -1)]
    [InlineData(SignalKind.Rating, null, 3, 0)]
    [InlineData(SignalKind.Rating, null, 5, 1)]
    [InlineData(SignalKind.Copy, null, null, 1)]
    [InlineData(SignalKind.Correction, null, null, -1)]
    public void Polarity_OfEachKind(SignalKind kind, bool? up, int? rating, int expected) =>
        Assert.Equal(expected, SignalPolarity.Of(S(kind, up: up, rating: rating)));
}
