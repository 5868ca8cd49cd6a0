using FeedbackConsole.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Pages;

/// <summary>/admin/notifications: the outbox.</summary>
public sealed class OutboxPage(BrowserSession session)
{
    private IPage Page => session.Page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Notification outbox", Level = 1, Exact = true });

    public ILocator Rows => Page.Locator("[aria-label='Deliveries'] tbody tr");

    public ILocator Preview => Page.GetByLabel("Preview", new() { Exact = true });

    public ILocator Status(string label) => Page.GetByRole(AriaRole.Group, new() { Name = "Status" }).GetByText(label).Or(Page.Locator(".mud-chip", new() { HasText = label })).First;

    public async Task GotoAsync()
    {
        await session.GotoInteractiveAsync("/admin/notifications");
        await Expect(Heading).ToBeVisibleAsync();
    }
}

/// <summary>/admin/notifications/channels: an application's channels.</summary>
public sealed class ChannelsPage(BrowserSession session)
{
    private IPage Page => session.Page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Notification channels", Level = 1, Exact = true });

    public ILocator WebhookUrl => Page.GetByRole(AriaRole.Textbox, new() { Name = "Endpoint URL" });

    public ILocator AllowPrivate => Page.GetByRole(AriaRole.Switch, new() { Name = "Allow private, loopback and link-local addresses (only for an endpoint inside your own network)" })
        .Or(Page.GetByLabel("Allow private, loopback and link-local addresses (only for an endpoint inside your own network)")).First;

    public ILocator Save => Page.GetByRole(AriaRole.Button, new() { Name = "Save channels" });

    public ILocator NewSecret => Page.Locator("code.fc-secret");

    public async Task GotoAsync(Guid applicationId)
    {
        await session.GotoInteractiveAsync($"/admin/notifications/channels?app={applicationId}");
        await Expect(Heading).ToBeVisibleAsync();
    }
}

/// <summary>/admin/notifications/templates: the email template editor.</summary>
public sealed class TemplatesPage(BrowserSession session)
{
    private IPage Page => session.Page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Email templates", Level = 1, Exact = true });

    public ILocator Subject => Page.GetByRole(AriaRole.Textbox, new() { Name = "Subject" });

    public ILocator Preview => Page.GetByLabel("Template preview");

    public async Task GotoAsync()
    {
        await session.GotoInteractiveAsync("/admin/notifications/templates");
        await Expect(Heading).ToBeVisibleAsync();
    }
}
