using FeedbackConsole.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Pages;

/// <summary>/knowledge-bases/{id}/eval: a knowledge base's held-out eval cases.</summary>
public sealed class EvalSuitePage(BrowserSession session)
{
    private IPage Page => session.Page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Eval suite", Level = 1, Exact = true });

    // MudTable puts its aria-label on the wrapper around the <table>.
    public ILocator Table => Page.Locator("[aria-label='Eval cases']");

    public ILocator Rows => Table.Locator("tbody tr");

    public ILocator HeldOutWarning => Page.GetByTestId("held-out-warning");

    public async Task GotoAsync(Guid kbId)
    {
        await session.GotoInteractiveAsync($"/knowledge-bases/{kbId}/eval");
        await Expect(Heading).ToBeVisibleAsync();
    }
}

/// <summary>/knowledge-bases/{id}/releases: the releases of a knowledge base.</summary>
public sealed class ReleasesPage(BrowserSession session)
{
    private IPage Page => session.Page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Releases", Level = 1, Exact = true });

    public ILocator Rows => Page.Locator("[aria-label='Releases'] tbody tr");

    public ILocator BuildButton => Page.GetByRole(AriaRole.Button, new() { Name = "Build candidate", Exact = true });

    public ILocator PendingChanges => Page.GetByTestId("pending-changes");

    public async Task GotoAsync(Guid kbId)
    {
        await session.GotoInteractiveAsync($"/knowledge-bases/{kbId}/releases");
        await Expect(Heading).ToBeVisibleAsync();
    }

    /// <summary>Builds a candidate with notes, confirming the dialog; the page then opens the new release.</summary>
    public async Task BuildAsync(string notes)
    {
        await BuildButton.ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Release notes (optional)").FillAsync(notes);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Build candidate" }).ClickAsync();
    }
}

/// <summary>/releases/{id}: one release, its gate and its diff.</summary>
public sealed class ReleasePage(BrowserSession session)
{
    private IPage Page => session.Page;

    public ILocator Heading(int number) => Page.GetByRole(AriaRole.Heading, new() { Name = $"Release {number}", Level = 1, Exact = true });

    public ILocator State => Page.GetByTestId("release-state");

    public ILocator Gate => Page.GetByTestId("release-gate");

    public ILocator GateResult => Page.GetByTestId("gate-result");

    public ILocator RegressionCount => Page.GetByTestId("regression-count");

    public ILocator RegressionRows => Page.Locator("tr[data-regression='true']");

    public ILocator DiffRows => Page.GetByTestId("release-diff").Locator("li");

    public ILocator EntryDiff => Page.GetByTestId("entry-diff");

    public ILocator Button(string name) => Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    /// <summary>Waits for the snackbars to go and scrolls to the top, so a full-page screenshot shows the page as a person reads it.</summary>
    public async Task TidyForScreenshotAsync()
    {
        // Snackbars hide by themselves after a few seconds.
        await Expect(Page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 20_000 });

        await Page.EvaluateAsync("window.scrollTo(0, 0)");
    }

    public async Task ConfirmAsync(string button) =>
        await Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();

    public async Task GiveReasonAsync(string reason, string button)
    {
        var dialog = Page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Reason").FillAsync(reason);
        await dialog.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
    }
}
