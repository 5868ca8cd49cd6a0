using FeedbackConsole.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Pages;

/// <summary>/admin/applications/{id}: one application, its API keys and its settings.</summary>
public sealed class ApplicationDetailsPage(BrowserSession session)
{
    private IPage Page => session.Page;

    public ILocator Heading(string name) => Page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1, Exact = true });

    public ILocator NewKeyButton => Page.GetByRole(AriaRole.Button, new() { Name = "New key" });

    public ILocator NoKeys => Page.GetByText("No keys yet.");

    /// <summary>The row of the key with this label (its label is the row's first cell).</summary>
    public ILocator KeyRow(string label) => Page.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByText(label, new() { Exact = true }) });

    public ILocator ArchivedNotice => Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "the API refuses all of this application's keys" });

    public ILocator RedactionSwitch => Page.GetByRole(AriaRole.Switch, new() { Name = "Redact personal data before it is stored" });

    public ILocator BackToApplications => Page.GetByRole(AriaRole.Navigation, new() { Name = "Breadcrumb" }).GetByRole(AriaRole.Link, new() { Name = "Applications" });

    public async Task<CreateApiKeyDialog> OpenNewKeyAsync()
    {
        await NewKeyButton.ClickAsync();
        var dialog = new CreateApiKeyDialog(Page);
        await Expect(dialog.Root).ToBeVisibleAsync();
        return dialog;
    }

    /// <summary>Revokes a key through its button and the confirmation.</summary>
    public async Task RevokeAsync(string label)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = $"Actions for {label}", Exact = true }).ClickAsync();
        await Page.GetByRole(AriaRole.Menuitem, new() { Name = "Revoke", Exact = true }).ClickAsync();
        var confirm = Page.GetByRole(AriaRole.Dialog, new() { Name = $"Revoke {label}?" });
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await Expect(confirm).ToBeHiddenAsync();
        await Expect(KeyRow(label)).ToContainTextAsync("Revoked");
    }

    /// <summary>Replaces a publishable key's origins through its row menu (one origin per line).</summary>
    public async Task EditOriginsAsync(string label, string origins)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = $"Actions for {label}", Exact = true }).ClickAsync();
        await Page.GetByRole(AriaRole.Menuitem, new() { Name = "Edit origins", Exact = true }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = $"Origins of {label}" });
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Allowed origins" }).FillAsync(origins);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save origins" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
    }

    /// <summary>Archives the application through the header button and the confirmation.</summary>
    public async Task ArchiveAsync(string name)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "Archive", Exact = true }).ClickAsync();
        var confirm = Page.GetByRole(AriaRole.Dialog, new() { Name = $"Archive {name}?" });
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Archive", Exact = true }).ClickAsync();
        await Expect(confirm).ToBeHiddenAsync();
        await Expect(ArchivedNotice).ToBeVisibleAsync();
    }

    public async Task<ApplicationsPage> BackAsync()
    {
        await BackToApplications.ClickAsync();
        var list = new ApplicationsPage(session);
        await Expect(list.Heading).ToBeVisibleAsync();
        return list;
    }
}

/// <summary>The "New API key" dialog: kind, label and, for publishable keys, origins.</summary>
public sealed class CreateApiKeyDialog(IPage page)
{
    public ILocator Root => page.GetByRole(AriaRole.Dialog, new() { Name = "New API key" });

    public ILocator ServerKind => Root.GetByRole(AriaRole.Radio, new() { Name = "Server key" });

    public ILocator PublishableKind => Root.GetByRole(AriaRole.Radio, new() { Name = "Publishable key" });

    public ILocator Label => Root.GetByRole(AriaRole.Textbox, new() { Name = "Label" });

    public ILocator Origins => Root.GetByRole(AriaRole.Textbox, new() { Name = "Allowed origins" });

    public ILocator Error => Root.GetByRole(AriaRole.Alert);

    public async Task<ApiKeyCreatedDialog> CreateAsync()
    {
        await Root.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Expect(Root).ToBeHiddenAsync();
        var next = new ApiKeyCreatedDialog(page);
        await Expect(next.Root).ToBeVisibleAsync();
        return next;
    }
}

/// <summary>The dialog that shows a new key once.</summary>
public sealed class ApiKeyCreatedDialog(IPage page)
{
    public ILocator Root => page.GetByRole(AriaRole.Dialog, new() { Name = "Copy the new key now" });

    public ILocator Key => Root.GetByTestId("api-key");

    public ILocator CopyButton => Root.GetByRole(AriaRole.Button, new() { Name = "Copy key", Exact = true });

    public async Task<string> ReadKeyAsync() => (await Key.InnerTextAsync()).Trim();

    public async Task DoneAsync()
    {
        await Root.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(Root).ToBeHiddenAsync();
    }
}
