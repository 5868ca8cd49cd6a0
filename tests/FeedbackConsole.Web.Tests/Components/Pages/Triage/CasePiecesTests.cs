using Bunit;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage.Cases;
using FeedbackConsole.Web.Components.Pages.Triage;
using FeedbackConsole.Web.Tests.Shared;

namespace FeedbackConsole.Web.Tests.Components.Pages.Triage;

/// <summary>The pieces of the case page, rendered on their own.</summary>
public sealed class CasePiecesTests : IAsyncDisposable
{
    private readonly ConsoleBunitContext _context = new();

    public ValueTask DisposeAsync() => _context.DisposeAsync();

    private static readonly DateTimeOffset T = new(2026, 5, 4, 10, 32, 0, TimeSpan.Zero);

    private static readonly GetCaseDetail.TaxonomyNode[] Modes =
    [
        new(1, "factual", "Factual", "The answer states something untrue.", null, false, false),
        new(2, "factual.error", "Factual error", "A fact in the answer is wrong.", "Factual", true, false),
        new(3, "factual.outdated", "Outdated", "True once, no longer.", "Factual", true, false),
        new(4, "tone", "Tone", "How the answer speaks.", null, false, false),
        new(5, "tone.inappropriate", "Inappropriate tone", "Rude or cold.", "Tone", true, false),
        new(6, "verbosity.too_long", "Too long", "More text than needed.", "Verbosity", true, false),
    ];

    private static GetCaseDetail.Detail Detail(
        CaseStatus status = CaseStatus.New, IReadOnlyList<GetCaseDetail.ModeView>? modes = null, string? correction = "The window is 30 days.") =>
        new(
            42, status, 1240, Guid.NewGuid(), "Support assistant", null, null, null, null, null, null, null, null, null, 3, 2, 2, null,
            T, T, null, null, new CaseStamp(Guid.NewGuid(), 0),
            new GetCaseDetail.InteractionView(7, "turn-7", "conv-1", "end-user-1", "customer", "billing", "web", "en-GB", "1.2", "How long?",
                "The window is 14 days.", "gpt-test-1", "p-7", "support", 3, ["kb-12"], T, 0),
            [], [],
            correction is null ? null : new GetCaseDetail.CorrectionView(9, "end-user-2", T, correction, WordDiff.Compute("The window is 14 days.", correction), 1),
            modes ?? [new GetCaseDetail.ModeView(2, "factual.error", "Factual error", "Factual", false, true, "Low accuracy rating", "rating 1 of 5", 0.8)],
            [], [], new GetCaseDetail.LabelPicker(Modes, [2, 3, 5, 6]));

    [Fact]
    public void CaseText_RedactedPlaceholders_AreMarkedAndTheRestIsText()
    {
        var text = _context.Render<CaseText>(p => p.Add(t => t.Text, "Mail [email] <b>now</b>").Add(t => t.Redacted, true));

        var mark = text.Find("mark.fc-redacted");
        Assert.StartsWith("email", mark.TextContent, StringComparison.Ordinal);
        Assert.Equal("Email address removed before it was stored", mark.GetAttribute("title"));
        Assert.Empty(text.FindAll("b"));
        Assert.Contains("&lt;b&gt;now&lt;/b&gt;", text.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void CaseText_NotRedacted_LeavesALiteralPlaceholderAlone()
    {
        var text = _context.Render<CaseText>(p => p.Add(t => t.Text, "I typed [email] myself").Add(t => t.Redacted, false));

        Assert.Empty(text.FindAll("mark"));
        Assert.Equal("I typed [email] myself", text.Find(".fc-case-text").TextContent);
    }

    [Fact]
    public void CorrectionDiff_ShowsDeletedAndInsertedWordsWithALegend()
    {
        var detail = Detail();

        var diff = _context.Render<CaseCorrectionDiff>(p => p.Add(d => d.Correction, detail.Correction!));

        Assert.Equal("14", diff.Find("[data-testid=correction-diff] del").TextContent);
        Assert.Equal("30", diff.Find("[data-testid=correction-diff] ins").TextContent);
        var legend = diff.Find(".fc-diff-legend").TextContent;
        Assert.Contains("removed from the answer", legend, StringComparison.Ordinal);
        Assert.Contains("added by the end user", legend, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelPanel_NumbersTheMostUsedModesAndTellsSuggestedFromConfirmed()
    {
        var detail = Detail(modes:
        [
            new(2, "factual.error", "Factual error", "Factual", true, true, "Low accuracy rating", "", 0.8),
            new(3, "factual.outdated", "Outdated", "Factual", false, true, "Comment says it is outdated", "", 0.8),
        ]);

        var panel = _context.Render<CaseLabelPanel>(p => p.Add(c => c.Detail, detail));

        var chips = panel.FindAll(".fc-mode-chip");
        Assert.Equal(["Factual error", "Outdated", "Inappropriate tone", "Too long"], chips.Select(c => c.GetAttribute("aria-label")));
        Assert.Equal(["1", "2", "3", "4"], chips.Select(c => c.QuerySelector(".fc-mode-key")!.TextContent));
        Assert.Equal(["confirmed", "suggested", "none", "none"], chips.Select(c => c.GetAttribute("data-state")));
        Assert.Equal("true", chips[0].GetAttribute("aria-pressed"));
    }

    [Fact]
    public void LabelPanel_ClickingAModeAsksToConfirmIt_AndAConfirmedOneToRemoveIt()
    {
        var toggles = new List<(int, bool)>();
        var detail = Detail(modes: [new(2, "factual.error", "Factual error", "Factual", true, true, "Low accuracy rating", "", 0.8)]);
        var panel = _context.Render<CaseLabelPanel>(p => p.Add(c => c.Detail, detail).Add(c => c.OnToggle, t => toggles.Add(t)));

        panel.Find("button[aria-label='Factual error']").Click();
        panel.Find("button[aria-label='Too long']").Click();

        Assert.Equal([(2, false), (6, true)], toggles);
    }

    [Fact]
    public void LabelPanel_NoConfirmedMode_DisablesTheProposedAnswerAndSaysWhy()
    {
        var panel = _context.Render<CaseLabelPanel>(p => p.Add(c => c.Detail, Detail()));

        Assert.Contains("Confirm at least one failure mode first.", panel.Markup, StringComparison.Ordinal);
        Assert.True(panel.Find("textarea[aria-label='Proposed corrected answer'], .fc-panel-block:nth-of-type(4) textarea").HasAttribute("disabled"));
    }

    [Fact]
    public void LabelPanel_ReleasedCase_OffersNoLabeling()
    {
        var panel = _context.Render<CaseLabelPanel>(p => p.Add(c => c.Detail, Detail(status: CaseStatus.Released)));

        Assert.All(panel.FindAll(".fc-mode-chip"), c => Assert.True(c.HasAttribute("disabled")));
        Assert.Contains("its labels and answer are final here", panel.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelPanel_DismissedCase_ShowsTheReasonForTheEndUser()
    {
        var detail = Detail(status: CaseStatus.Dismissed) with { DismissReason = "The 14-day window is right for your plan." };

        var panel = _context.Render<CaseLabelPanel>(p => p.Add(c => c.Detail, detail));

        Assert.Contains("The 14-day window is right for your plan.", panel.Find(".fc-closed-note").TextContent, StringComparison.Ordinal);
        Assert.All(panel.FindAll(".fc-mode-chip"), c => Assert.True(c.HasAttribute("disabled")));
    }

    [Theory]
    [InlineData("", "triage")]
    [InlineData("status=new&app=x", "triage?status=new&app=x")]
    public void QueueHref_KeepsTheQueueFilter(string q, string expected) => Assert.Equal(expected, CaseFormat.QueueHref(q));

    [Fact]
    public void CaseHref_CarriesTheQueueFilterEscaped() =>
        Assert.Equal("cases/12?q=status%3Dnew%26page%3D2", CaseFormat.CaseHref(12, "status=new&page=2"));
}
