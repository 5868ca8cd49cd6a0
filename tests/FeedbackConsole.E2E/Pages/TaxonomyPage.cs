using System.Text.RegularExpressions;
using FeedbackConsole.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Pages;

/// <summary>/admin/taxonomy: the failure-mode tree and the selected mode's rules.</summary>
public sealed class TaxonomyPage(BrowserSession session)
{
    public const string Path = "/admin/taxonomy";

    private IPage Page => session.Page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Failure taxonomy", Level = 1 });

    public ILocator Tree => Page.GetByRole(AriaRole.Tree, new() { Name = "Failure modes" });

    /// <summary>A mode in the tree, by name (its button reads "Name (key)").</summary>
    public ILocator Node(string name) =>
        Tree.GetByRole(AriaRole.Button, new() { NameRegex = new Regex($"^{Regex.Escape(name)} \\(", RegexOptions.None, TimeSpan.FromSeconds(1)) });

    public ILocator SelectedHeading(string name) => Page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 2, Exact = true });

    public ILocator RulesTable => Page.GetByRole(AriaRole.Region, new() { Name = "Rules", Exact = true });

    public ILocator Button(string name) => Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public async Task GotoAsync()
    {
        await session.GotoInteractiveAsync(Path);
        await Expect(Heading).ToBeVisibleAsync();
    }

    public async Task SelectAsync(string name)
    {
        await Node(name).ClickAsync();
        await Expect(SelectedHeading(name)).ToBeVisibleAsync();
    }

    /// <summary>Adds a mode under the selected one; the page then selects it.</summary>
    public async Task AddModeBelowAsync(string parentName, string key, string name, string description)
    {
        await Button("Add mode below").ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = $"New mode under {parentName}" });
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Key" }).FillAsync(key);
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Name" }).FillAsync(name);
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Description" }).FillAsync(description);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create mode" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(SelectedHeading(name)).ToBeVisibleAsync();
    }

    /// <summary>Opens "Add rule" for the selected mode.</summary>
    public async Task<RuleDialogPart> OpenAddRuleAsync(string modeName)
    {
        await Button("Add rule").ClickAsync();
        var dialog = new RuleDialogPart(Page.GetByRole(AriaRole.Dialog, new() { Name = $"New rule for {modeName}" }));
        await Expect(dialog.Root).ToBeVisibleAsync();
        return dialog;
    }

    public async Task RetireSelectedAsync(string name)
    {
        await Button("Retire").ClickAsync();
        var confirm = Page.GetByRole(AriaRole.Dialog, new() { Name = $"Retire {name}?" });
        await Expect(confirm).ToBeVisibleAsync();
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Retire" }).ClickAsync();
        await Expect(confirm).ToBeHiddenAsync();
    }
}

/// <summary>The rule dialog: its fields and the live preview.</summary>
public sealed class RuleDialogPart(ILocator root)
{
    public ILocator Root => root;

    public ILocator Name => root.GetByRole(AriaRole.Textbox, new() { Name = "Rule name" });

    public ILocator Pattern => root.GetByRole(AriaRole.Textbox, new() { Name = "Text pattern" });

    public ILocator Preview => root.GetByRole(AriaRole.Status, new() { Name = "Preview" });

    public ILocator Error => root.GetByRole(AriaRole.Alert);

    public async Task SaveAsync()
    {
        await root.GetByRole(AriaRole.Button, new() { Name = "Add rule" }).ClickAsync();
        await Expect(root).ToBeHiddenAsync();
    }
}
