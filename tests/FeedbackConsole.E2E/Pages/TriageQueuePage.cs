using System.Text.RegularExpressions;
using FeedbackConsole.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Pages;

/// <summary>/triage: the triage queue.</summary>
public sealed class TriageQueuePage(BrowserSession session)
{
    public const string Path = "/triage";

    private static readonly Regex SelectCaseName = new("^Select case \\d+$", RegexOptions.None, TimeSpan.FromSeconds(1));

    private IPage Page => session.Page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Triage queue", Level = 1 });

    public ILocator NextCaseButton => Page.GetByRole(AriaRole.Button, new() { Name = "Next case" });

    /// <summary>The case rows (the header row has the "select every case" box instead).</summary>
    public ILocator CaseRows => Page.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Checkbox, new() { NameRegex = SelectCaseName }) });

    public ILocator Row(long caseId) => Page.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Checkbox, new() { Name = $"Select case {caseId}", Exact = true }) });

    public ILocator SelectCheckbox(long caseId) => Page.GetByRole(AriaRole.Checkbox, new() { Name = $"Select case {caseId}", Exact = true });

    public ILocator BulkBar => Page.GetByRole(AriaRole.Toolbar, new() { Name = "Bulk actions" });

    public ILocator Snackbar => Page.Locator(".mud-snackbar").Last;

    public ILocator HighlightedRow => Page.Locator("tr.fc-row-highlighted");

    public ILocator StatusTabs => Page.GetByRole(AriaRole.Navigation, new() { Name = "Cases by status" });

    public ILocator ShortcutsDialog => Page.GetByRole(AriaRole.Dialog);

    public async Task GotoAsync(string query = "") => await session.GotoInteractiveAsync(query.Length == 0 ? Path : Path + "?" + query);

    /// <summary>Presses a key with the focus on the page itself (not in a field), as a reviewer would, once the page's
    /// shortcuts are live (the keyboard module marks the body), so that a key pressed on a busy machine before the
    /// circuit wired them up is not lost.</summary>
    public async Task PressAsync(string key)
    {
        await Expect(Page.Locator("body[data-shortcuts]")).ToHaveCountAsync(1);
        await Page.Keyboard.PressAsync(key);
    }
}
