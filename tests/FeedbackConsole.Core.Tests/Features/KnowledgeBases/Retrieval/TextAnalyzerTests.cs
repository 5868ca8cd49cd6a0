using FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;

namespace FeedbackConsole.Core.Tests.Features.KnowledgeBases.Retrieval;

public sealed class TextAnalyzerTests
{
    [Fact]
    public void Analyze_SupportQuestion_DropsStopWordsAndPunctuation()
    {
        Assert.Equal(["return", "order"], TextAnalyzer.Analyze("How do I return my order?"));
    }

    [Fact]
    public void Analyze_Inflections_StemToOneTerm()
    {
        var terms = TextAnalyzer.Analyze("refunds refunded refunding refund · policies policy · shipping shipped ships · charges charged");

        Assert.Equal(["refund", "refund", "refund", "refund", "polici", "polici", "ship", "ship", "ship", "charg", "charg"], terms);
    }

    [Theory]
    [InlineData("caresses", "caress")]
    [InlineData("ponies", "poni")]
    [InlineData("cats", "cat")]
    [InlineData("feed", "feed")]
    [InlineData("agreed", "agre")]
    [InlineData("plastered", "plaster")]
    [InlineData("motoring", "motor")]
    [InlineData("sing", "sing")]
    [InlineData("conflated", "conflat")]
    [InlineData("hopping", "hop")]
    [InlineData("filing", "file")]
    [InlineData("happy", "happi")]
    [InlineData("controlling", "control")]
    public void Analyze_PorterInflectionalSteps_MatchPortersExamples(string word, string stem)
    {
        Assert.Equal([stem], TextAnalyzer.Analyze(word));
    }

    [Fact]
    public void Analyze_Diacritics_AreFoldedAndCaseIgnored()
    {
        Assert.Equal(TextAnalyzer.Analyze("cafe resume naive"), TextAnalyzer.Analyze("Café RÉSUMÉ naïve"));
        // Already-decomposed input (e + combining acute) folds the same way.
        Assert.Equal(TextAnalyzer.Analyze("cafe"), TextAnalyzer.Analyze("cafe\u0301"));
    }

    [Fact]
    public void Analyze_DigitsApostrophesAndSymbols_SplitAsDocumented()
    {
        Assert.Equal(["order", "1234", "customer", "dont"], TextAnalyzer.Analyze("Order #A-1234 — the customer's, don’t"));
    }

    [Fact]
    public void Analyze_TokenLongerThanTheLimit_IsSkipped()
    {
        var limit = new string('7', TextAnalyzer.MaxTokenLength);
        var tooLong = new string('7', TextAnalyzer.MaxTokenLength + 1);

        Assert.Equal([limit, "refund"], TextAnalyzer.Analyze($"{limit} {tooLong} refund"));
    }

    [Fact]
    public void Analyze_OnlyStopWordsOrNothing_GivesNoTerms()
    {
        Assert.Empty(TextAnalyzer.Analyze("the of and to"));
        Assert.Empty(TextAnalyzer.Analyze(""));
        Assert.Empty(TextAnalyzer.Analyze(null));
        Assert.Empty(TextAnalyzer.Analyze("?! — …"));
    }

    [Fact]
    public void Fold_CollapsesCasePunctuationAndWhitespace()
    {
        Assert.Equal("refund guaranteed", TextAnalyzer.Fold("  Refund —  GUARANTEED! "));
        Assert.Equal("strasse aeon", TextAnalyzer.Fold("Straße Æon"));
    }
}
