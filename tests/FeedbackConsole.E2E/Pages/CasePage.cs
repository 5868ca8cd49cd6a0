using FeedbackConsole.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Pages;

/// <summary>/cases/{id}: one case and its labeling panel.</summary>
public sealed class CasePage(BrowserSession session)
{
    private IPage Page => session.Page;

    public ILocator Heading(long caseId) => Page.GetByRole(AriaRole.Heading, new() { Name = $"Case #{caseId}", Level = 1, Exact = true });

    public ILocator Status => Page.GetByTestId("case-status");

    public ILocator Input => Page.GetByTestId("case-input");

    public ILocator Output => Page.GetByTestId("case-output");

    public ILocator CorrectionDiff => Page.GetByTestId("correction-diff");

    public ILocator FailureModes => Page.GetByRole(AriaRole.Group, new() { Name = "Failure modes" });

    /// <summary>A failure-mode toggle; pressed when confirmed.</summary>
    public ILocator Mode(string name) => FailureModes.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public ILocator ModeSearch => Page.GetByRole(AriaRole.Combobox, new() { Name = "Find any failure mode" }).Or(Page.Locator("#case-mode-search")).First;

    public ILocator Note => Page.GetByRole(AriaRole.Textbox, new() { Name = "Note for reviewers" });

    public ILocator SaveNote => Page.GetByRole(AriaRole.Button, new() { Name = "Save note" });

    public ILocator History => Page.GetByRole(AriaRole.List, new() { Name = "Decisions on this case, newest first" });

    public ILocator ExternalChange => Page.GetByTestId("external-change");

    public ILocator ConflictDialog => Page.GetByRole(AriaRole.Dialog, new() { Name = "Someone changed this case" });

    public ILocator ShortcutsDialog => Page.GetByRole(AriaRole.Dialog, new() { Name = "Keyboard shortcuts · Case" });

    public async Task GotoAsync(long caseId, string? queueQuery = null)
    {
        await session.GotoInteractiveAsync(queueQuery is null ? $"/cases/{caseId}" : $"/cases/{caseId}?q={Uri.EscapeDataString(queueQuery)}");
        await Expect(Heading(caseId)).ToBeVisibleAsync();
        await WaitForShortcutsAsync();
    }

    /// <summary>The keys are registered once the page's first interactive render has run its JS; wait for that, not a guess.</summary>
    public async Task WaitForShortcutsAsync() => await Expect(Page.Locator("body[data-shortcuts]")).ToHaveCountAsync(1);

    /// <summary>Presses a key with the focus on the page itself (not in a field), as a reviewer would.</summary>
    public async Task PressAsync(string key) => await Page.Keyboard.PressAsync(key);

    public async Task SaveNoteAsync(string text)
    {
        await Note.FillAsync(text);
        await SaveNote.ClickAsync();
    }
}
