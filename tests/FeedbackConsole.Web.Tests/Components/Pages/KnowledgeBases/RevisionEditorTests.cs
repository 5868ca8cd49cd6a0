using Bunit;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases;
using FeedbackConsole.Core.Features.KnowledgeBases.Revisions;
using FeedbackConsole.Web.Components.Pages.KnowledgeBases;
using FeedbackConsole.Web.Tests.Shared;
using MudBlazor;

namespace FeedbackConsole.Web.Tests.Components.Pages.KnowledgeBases;

/// <summary>The revision editor's fields per knowledge-base kind, the live regex check, and the side-by-side diff.</summary>
public sealed class RevisionEditorTests : IAsyncDisposable
{
    private static readonly FailureModeChoice[] Modes = [new("factual.error", "Factual error"), new("tone.inappropriate", "Inappropriate tone")];

    private readonly ConsoleBunitContext _context = new();

    public RevisionEditorTests() => _context.Render<MudPopoverProvider>();

    public ValueTask DisposeAsync() => _context.DisposeAsync();

    private IRenderedComponent<RevisionFields> Render(KnowledgeBaseKind kind, RevisionEditModel? model = null) =>
        _context.Render<RevisionFields>(p => p
            .Add(f => f.Kind, kind)
            .Add(f => f.Model, model ?? new RevisionEditModel())
            .Add(f => f.FailureModes, Modes));

    private static List<string> Labels(IRenderedComponent<RevisionFields> fields) =>
        [.. fields.FindAll("label.mud-input-label").Select(l => l.TextContent.Trim())];

    [Fact]
    public void Facts_ShowTitleAndContentOnly()
    {
        var fields = Render(KnowledgeBaseKind.Facts);

        Assert.Equal(["Title", "Content"], Labels(fields));
        Assert.Empty(fields.FindAll("input[type=radio]"));
    }

    [Fact]
    public void Examples_ShowInputIdealOutputTaskTypeAndFailureMode()
    {
        var fields = Render(KnowledgeBaseKind.Examples);

        Assert.Equal(["Title", "Input", "Ideal output", "Task type", "Failure mode"], Labels(fields));
        Assert.Contains("The answer the model should have given.", fields.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Guards_ShowTheThreeRuleTypes_AndTheContentLabelFollowsTheType()
    {
        var model = new RevisionEditModel { GuardType = GuardRuleType.RequiredDisclaimer };

        var fields = Render(KnowledgeBaseKind.Guards, model);

        Assert.Equal(3, fields.FindAll("input[type=radio]").Count);
        Assert.Contains("Forbidden pattern", fields.Markup, StringComparison.Ordinal);
        Assert.Contains("Required disclaimer", fields.Markup, StringComparison.Ordinal);
        Assert.Equal(["Rule name", "Disclaimer", "Message", "Task type"], Labels(fields));
    }

    [Fact]
    public void Guards_InvalidForbiddenPattern_ShowsTheRegexParsersMessage_AndAPhraseIsNotParsed()
    {
        var pattern = Render(KnowledgeBaseKind.Guards, new RevisionEditModel { GuardType = GuardRuleType.ForbiddenPattern, Content = "(\\d{4}" });
        var phrase = Render(KnowledgeBaseKind.Guards, new RevisionEditModel { GuardType = GuardRuleType.ForbiddenPhrase, Content = "(\\d{4}" });
        var valid = Render(KnowledgeBaseKind.Guards, new RevisionEditModel { GuardType = GuardRuleType.ForbiddenPattern, Content = "\\d{16}" });

        var error = pattern.Find(".mud-input-helper-text.mud-input-error").TextContent;
        Assert.StartsWith("The pattern is not a valid regular expression:", error, StringComparison.Ordinal);
        Assert.Contains("Not enough )'s", error, StringComparison.Ordinal);
        Assert.Contains("Pattern", Labels(pattern));
        Assert.Empty(phrase.FindAll(".mud-input-helper-text.mud-input-error"));
        Assert.Empty(valid.FindAll(".mud-input-helper-text.mud-input-error"));
    }

    [Fact]
    public void DiffView_PutsDeletionsLeftAndInsertionsRight_AndRendersTextAsText()
    {
        var diffs = RevisionDiff.Compute(
            KnowledgeBaseKind.Facts,
            new RevisionContent("Refund window", "Returns within 14 days."),
            new RevisionContent("Refund window", "Returns within 30 days. <b>bold</b>"));

        var view = _context.Render<RevisionDiffView>(p => p.Add(d => d.Diffs, diffs).Add(d => d.BeforeLabel, "Revision 1").Add(d => d.AfterLabel, "Revision 2"));

        var content = view.Find("[data-field=Content]");
        Assert.Equal("14", content.QuerySelector(".fc-kb-diff-before del")!.TextContent);
        Assert.Null(content.QuerySelector(".fc-kb-diff-before ins"));
        Assert.StartsWith("30", content.QuerySelector(".fc-kb-diff-after ins")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(view.FindAll("b"));
        Assert.Contains("unchanged", view.Find("[data-field=Title]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Revision 1", view.Find(".fc-kb-diff-head").TextContent, StringComparison.Ordinal);
    }
}
