using System.Diagnostics;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;

namespace FeedbackConsole.Core.Tests.Features.KnowledgeBases.Retrieval;

public sealed class GuardSetTests
{
    private static readonly Guid R1 = RetrievalIndexTests.G(101), R2 = RetrievalIndexTests.G(102), R3 = RetrievalIndexTests.G(103);

    private static GuardRule Rule(Guid id, GuardRuleType type, string pattern, string message = "", string? taskType = null) =>
        new(id, Guid.NewGuid(), $"Rule {id.ToString()[^3..]}", type, pattern, message, taskType);

    [Fact]
    public void Check_ForbiddenPhrase_CaughtWhateverCasePunctuationAndSpacing()
    {
        var guards = GuardSet.Build([Rule(R1, GuardRuleType.ForbiddenPhrase, "guaranteed refund", "Never promise a refund.")]);

        var result = guards.Check("You get a GUARANTEED —   refund, always!");

        Assert.False(result.Passed);
        Assert.Equal([new GuardViolation(R1, "Never promise a refund.")], result.Violations);
        Assert.True(guards.Check("A refund is guaranteed? No.").Passed);
    }

    [Fact]
    public void Check_ForbiddenPhrase_MatchesWholeWordsOnly()
    {
        var guards = GuardSet.Build([Rule(R1, GuardRuleType.ForbiddenPhrase, "cat")]);

        Assert.True(guards.Check("Concatenate the files.").Passed);
        Assert.False(guards.Check("The cat sat.").Passed);
    }

    [Fact]
    public void Check_ForbiddenPattern_IsACaseInsensitiveRegex()
    {
        var guards = GuardSet.Build([Rule(R1, GuardRuleType.ForbiddenPattern, @"\b(?:\d[ -]?){15}\d\b", "Never echo a card number."), Rule(R2, GuardRuleType.ForbiddenPattern, @"legal\s+advice")]);

        var card = guards.Check("Your card 4111 1111 1111 1111 is on file.");
        var legal = guards.Check("This is LEGAL   Advice.");

        Assert.Equal([new GuardViolation(R1, "Never echo a card number.")], card.Violations);
        var violation = Assert.Single(legal.Violations);
        Assert.Equal(R2, violation.RuleId);
        Assert.Contains("forbidden pattern", violation.Message, StringComparison.Ordinal);
        Assert.True(guards.Check("Your card ending 1111 is on file.").Passed);
    }

    [Fact]
    public void Check_RequiredDisclaimer_AppliesToItsTaskTypeOnly()
    {
        var guards = GuardSet.Build([Rule(R1, GuardRuleType.RequiredDisclaimer, "This is not medical advice.", "Add the medical disclaimer.", "medical")]);
        const string Answer = "Take two tablets a day.";

        Assert.True(guards.Check(Answer, "billing").Passed);
        Assert.True(guards.Check(Answer, null).Passed);
        Assert.Equal([new GuardViolation(R1, "Add the medical disclaimer.")], guards.Check(Answer, "Medical").Violations);
        Assert.True(guards.Check(Answer + " THIS IS NOT\nmedical advice", "medical").Passed);
    }

    [Fact]
    public void Check_RequiredDisclaimerWithoutTaskType_AppliesAlways()
    {
        var guards = GuardSet.Build([Rule(R1, GuardRuleType.RequiredDisclaimer, "Answers may contain mistakes")]);

        var result = guards.Check("Take two tablets a day.", "anything");

        Assert.Contains("required disclaimer", Assert.Single(result.Violations).Message, StringComparison.Ordinal);
        Assert.True(guards.Check("Answers may contain mistakes. Take two.").Passed);
    }

    [Fact]
    public void Check_ForbiddenRuleWithTaskType_IsScopedToo()
    {
        var guards = GuardSet.Build([Rule(R1, GuardRuleType.ForbiddenPhrase, "free shipping", taskType: "sales")]);

        Assert.True(guards.Check("Free shipping today!", "support").Passed);
        Assert.False(guards.Check("Free shipping today!", "sales").Passed);
    }

    [Fact]
    public void Check_SeveralRulesBroken_ReportsEachInEntryIdOrder()
    {
        var guards = GuardSet.Build(
        [
            Rule(R3, GuardRuleType.ForbiddenPhrase, "lawsuit"),
            Rule(R1, GuardRuleType.ForbiddenPattern, "sue"),
            Rule(R2, GuardRuleType.RequiredDisclaimer, "not legal advice"),
        ]);

        var result = guards.Check("You could sue them; a lawsuit is likely.");

        Assert.Equal([R1, R2, R3], result.Violations.Select(v => v.RuleId));
        Assert.True(GuardSet.Empty.Check("anything at all").Passed);
    }

    [Fact]
    public void Check_CatastrophicBacktracking_IsReportedAsAViolationNotThrown()
    {
        var guards = GuardSet.Build([Rule(R1, GuardRuleType.ForbiddenPattern, @"^(\w+\s?)*$", "unused")]);
        var output = new string('a', 40) + "!";

        var clock = Stopwatch.StartNew();
        var result = guards.Check(output);

        Assert.False(result.Passed);
        var violation = Assert.Single(result.Violations);
        Assert.Equal(R1, violation.RuleId);
        Assert.Contains("could not be checked", violation.Message, StringComparison.Ordinal);
        Assert.Contains("50 ms", violation.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Validate_InvalidPattern_ReturnsAReadableError()
    {
        var error = GuardRule.Validate(GuardRuleType.ForbiddenPattern, "(unclosed");

        Assert.NotNull(error);
        Assert.StartsWith("This is not a valid regular expression", error, StringComparison.Ordinal);
        Assert.Null(GuardRule.Validate(GuardRuleType.ForbiddenPattern, @"\bsue\b"));
        Assert.Null(GuardRule.Validate(GuardRuleType.ForbiddenPhrase, "guaranteed refund"));
        Assert.NotNull(GuardRule.Validate(GuardRuleType.ForbiddenPhrase, "  "));
        Assert.NotNull(GuardRule.Validate(GuardRuleType.RequiredDisclaimer, "!!!"));
        Assert.NotNull(GuardRule.Validate(GuardRuleType.ForbiddenPhrase, new string('x', GuardRule.MaxPatternLength + 1)));
    }

    [Fact]
    public void Build_InvalidPatternThatSlippedThrough_FailsClosedAtCheck()
    {
        var guards = GuardSet.Build([Rule(R1, GuardRuleType.ForbiddenPattern, "(unclosed")]);

        var result = guards.Check("harmless");

        Assert.False(result.Passed);
        Assert.Contains("could not be checked", Assert.Single(result.Violations).Message, StringComparison.Ordinal);
    }
}
