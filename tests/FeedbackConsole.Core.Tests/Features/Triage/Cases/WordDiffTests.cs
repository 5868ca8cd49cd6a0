using FeedbackConsole.Core.Features.Triage.Cases;

namespace FeedbackConsole.Core.Tests.Features.Triage.Cases;

public sealed class WordDiffTests
{
    private static string Render(IReadOnlyList<DiffSpan> spans) => string.Concat(spans.Select(s => s.Kind switch
    {
        DiffKind.Deleted => "[-" + s.Text + "-]",
        DiffKind.Inserted => "{+" + s.Text + "+}",
        _ => s.Text,
    }));

    [Fact]
    public void Compute_ChangedNumber_MarksOnlyThatWord()
    {
        var diff = WordDiff.Compute("The refund window is 14 days.", "The refund window is 30 days.");

        Assert.Equal("The refund window is [-14-]{+30+} days.", Render(diff));
    }

    [Fact]
    public void Compute_AddedClause_IsOneInsertion()
    {
        var diff = WordDiff.Compute("The refund window is 14 days.", "The refund window is 30 days, not 14.");

        Assert.Equal("The refund window is [-14-]{+30+} days{+, not 14+}.", Render(diff));
    }

    [Fact]
    public void Compute_RewordedPhrase_GathersAcrossSpaces()
    {
        var diff = WordDiff.Compute("Please call our support line today.", "Please write to billing via email today.");

        Assert.Equal("Please [-call our support line-]{+write to billing via email+} today.", Render(diff));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("same text", "same text")]
    [InlineData("", "all new")]
    [InlineData("all gone", "")]
    [InlineData("Line one.\nLine two.", "Line one.\nLine 2, changed.")]
    [InlineData("<script>alert(1)</script>", "'; DROP TABLE x; --")]
    public void Compute_AnyTexts_ReassemblesBothSides(string output, string correction)
    {
        var diff = WordDiff.Compute(output, correction);

        Assert.Equal(output, string.Concat(diff.Where(s => s.Kind != DiffKind.Inserted).Select(s => s.Text)));
        Assert.Equal(correction, string.Concat(diff.Where(s => s.Kind != DiffKind.Deleted).Select(s => s.Text)));
        Assert.DoesNotContain(diff, s => s.Text.Length == 0);
    }

    [Fact]
    public void Compute_ContractionsAndAccents_StayWholeWords()
    {
        var diff = WordDiff.Compute("You can't return opened café items.", "You can return unopened café items.");

        Assert.Equal("You [-can't-]{+can+} return [-opened-]{+unopened+} café items.", Render(diff));
    }
}
