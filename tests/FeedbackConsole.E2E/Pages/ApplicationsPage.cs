using FeedbackConsole.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Pages;

/// <summary>/admin/applications: the LLM applications that send feedback, with their key counts.</summary>
public sealed class ApplicationsPage(BrowserSession session)
{
    public const string Path = "/admin/applications";

    private IPage Page => session.Page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Applications", Level = 1, Exact = true });

    /// <summary>The empty state's heading, shown while there is no application.</summary>
    public ILocator EmptyState => Page.GetByRole(AriaRole.Heading, new() { Name = "Connect your first application" });

    /// <summary>In the header once there are applications, in the empty state before.</summary>
    public ILocator NewApplicationButton => Page.GetByRole(AriaRole.Button, new() { Name = "New application" });

    /// <summary>The rows of applications (each names its application in a link; the header row has none).</summary>
    public ILocator ApplicationRows => Page.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Link) });

    public ILocator Row(string name) => ApplicationRows.Filter(new() { Has = Page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }) });

    public async Task<CreateApplicationDialog> OpenNewApplicationAsync()
    {
        await NewApplicationButton.First.ClickAsync();
        var dialog = new CreateApplicationDialog(session);
        await Expect(dialog.Root).ToBeVisibleAsync();
        return dialog;
    }

    public async Task<ApplicationDetailsPage> OpenAsync(string name)
    {
        await Row(name).GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        var details = new ApplicationDetailsPage(session);
        await Expect(details.Heading(name)).ToBeVisibleAsync();
        return details;
    }
}

/// <summary>The "New application" dialog.</summary>
public sealed class CreateApplicationDialog(BrowserSession session)
{
    public ILocator Root => session.Page.GetByRole(AriaRole.Dialog, new() { Name = "New application" });

    public ILocator Name => Root.GetByRole(AriaRole.Textbox, new() { Name = "Name" });

    public ILocator Error => Root.GetByRole(AriaRole.Alert);

    /// <summary>Creates the application; the console opens its page.</summary>
    public async Task<ApplicationDetailsPage> CreateAsync(string name)
    {
        await Name.FillAsync(name);
        await Root.GetByRole(AriaRole.Button, new() { Name = "Create application" }).ClickAsync();
        await Expect(Root).ToBeHiddenAsync();
        var details = new ApplicationDetailsPage(session);
        await Expect(details.Heading(name)).ToBeVisibleAsync();
        return details;
    }
}
