using System.Text.RegularExpressions;
using FeedbackConsole.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Pages;

/// <summary>/admin/users: the people who can sign in, with their roles and status.</summary>
public sealed class UsersPage(BrowserSession session)
{
    public const string Path = "/admin/users";

    private static readonly Regex ActionsButtonName = new("^Actions for ", RegexOptions.None, TimeSpan.FromSeconds(1));

    private IPage Page => session.Page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Users", Level = 1, Exact = true });

    public ILocator AddPersonButton => Page.GetByRole(AriaRole.Button, new() { Name = "Add person" });

    public ILocator Search => Page.GetByRole(AriaRole.Textbox, new() { Name = "Search users" });

    /// <summary>"4 people", or "1 of 4 people" while searching.</summary>
    public ILocator CountLabel => Page.GetByRole(AriaRole.Toolbar).GetByText(new Regex("\\bpeople$|\\bperson$", RegexOptions.None, TimeSpan.FromSeconds(1)));

    /// <summary>The rows of people (the header row has no actions button).</summary>
    public ILocator PersonRows => Page.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Button, new() { NameRegex = ActionsButtonName }) });

    public ILocator Row(string displayName) => PersonRows.Filter(new() { Has = Actions(displayName) });

    public ILocator Actions(string displayName) => Page.GetByRole(AriaRole.Button, new() { Name = $"Actions for {displayName}", Exact = true });

    public async Task<CreateUserDialog> OpenAddPersonAsync()
    {
        await AddPersonButton.ClickAsync();
        var dialog = new CreateUserDialog(Page);
        await Expect(dialog.Root).ToBeVisibleAsync();
        return dialog;
    }

    public async Task SearchAsync(string text) => await Search.FillAsync(text);

    /// <summary>Disables a person through the row menu and its confirmation.</summary>
    public async Task DisableAsync(string displayName)
    {
        await Actions(displayName).ClickAsync();
        await Page.GetByRole(AriaRole.Menuitem, new() { Name = "Disable", Exact = true }).ClickAsync();
        var confirm = Page.GetByRole(AriaRole.Dialog, new() { Name = $"Disable {displayName}?" });
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Disable", Exact = true }).ClickAsync();
        await Expect(confirm).ToBeHiddenAsync();
        await Expect(Row(displayName)).ToContainTextAsync("Disabled");
    }
}

/// <summary>The "Add a person" dialog.</summary>
public sealed class CreateUserDialog(IPage page)
{
    public ILocator Root => page.GetByRole(AriaRole.Dialog, new() { Name = "Add a person" });

    public ILocator Email => Root.GetByRole(AriaRole.Textbox, new() { Name = "Email" });

    public ILocator Name => Root.GetByRole(AriaRole.Textbox, new() { Name = "Name" });

    public ILocator Role(string role) => Root.GetByRole(AriaRole.Checkbox, new() { Name = role, Exact = true });

    public ILocator CreateButton => Root.GetByRole(AriaRole.Button, new() { Name = "Create account" });

    public async Task FillAsync(string email, string name)
    {
        await Email.FillAsync(email);
        await Name.FillAsync(name);
    }

    /// <summary>Creates the account; the next dialog shows the one-time password.</summary>
    public async Task<OneTimePasswordDialog> CreateAsync(string displayName)
    {
        await CreateButton.ClickAsync();
        await Expect(Root).ToBeHiddenAsync();
        var next = new OneTimePasswordDialog(page, displayName);
        await Expect(next.Root).ToBeVisibleAsync();
        return next;
    }
}

/// <summary>The dialog that shows a one-time password once.</summary>
public sealed class OneTimePasswordDialog(IPage page, string displayName)
{
    public ILocator Root => page.GetByRole(AriaRole.Dialog, new() { Name = $"{displayName} can sign in" });

    public ILocator Password => Root.GetByTestId("one-time-password");

    public async Task<string> ReadPasswordAsync() => (await Password.InnerTextAsync()).Trim();

    public async Task DoneAsync()
    {
        await Root.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(Root).ToBeHiddenAsync();
    }
}
