using System.Text.RegularExpressions;
using FeedbackConsole.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Pages;

/// <summary>/admin/audit: the audit trail with its filters and the chain check.</summary>
public sealed class AuditLogPage(BrowserSession session)
{
    public const string Path = "/admin/audit";

    private static readonly Regex ChangesButtonName = new("^Changes of event ", RegexOptions.None, TimeSpan.FromSeconds(1));

    private IPage Page => session.Page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Audit trail", Level = 1, Exact = true });

    public ILocator VerifyButton => Page.GetByRole(AriaRole.Button, new() { Name = "Verify chain" });

    public ILocator VerifyResult => Page.GetByTestId("verify-result");

    public ILocator Count => Page.GetByTestId("audit-count");

    public ILocator TextFilter => Page.GetByLabel("Text", new() { Exact = true });

    public ILocator ActorFilter => Page.GetByLabel("Actor", new() { Exact = true });

    public ILocator ClearFilters => Page.GetByRole(AriaRole.Button, new() { Name = "Clear filters" }).First;

    /// <summary>The event rows (each has a details toggle; the header and detail rows do not).</summary>
    public ILocator EventRows => Page.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Button, new() { NameRegex = ChangesButtonName }) });

    public ILocator Row(long eventId) => EventRows.Filter(new() { Has = Toggle(eventId) });

    public ILocator Toggle(long eventId) => Page.GetByRole(AriaRole.Button, new() { Name = $"Changes of event {eventId}", Exact = true });

    public ILocator Changes(long eventId) => Page.GetByRole(AriaRole.Table, new() { Name = $"Changes of event {eventId}", Exact = true });

    public static async Task<AuditLogPage> OpenFromNavigationAsync(BrowserSession session, Shell shell)
    {
        await shell.NavLink("Audit trail").ClickAsync();
        var page = new AuditLogPage(session);
        await Expect(page.Heading).ToBeVisibleAsync();
        return page;
    }

    public async Task VerifyAsync()
    {
        await VerifyButton.ClickAsync();
        await Expect(VerifyResult).ToBeVisibleAsync();
    }
}
