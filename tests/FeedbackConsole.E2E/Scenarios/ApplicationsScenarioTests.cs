using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Ingestion;
using FeedbackConsole.E2E.Infrastructure;
using FeedbackConsole.E2E.Pages;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Scenarios;

/// <summary>An admin connects an application: creates it, gives it a server and a publishable key, revokes one, archives it.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ApplicationsScenarioTests(BrowserFixture browser)
{
    private const string AppName = "Support assistant";
    private const string ServerLabel = "Production backend";
    private const string WidgetLabel = "Help centre widget";

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AdminConnectsAnApplication_KeysShownOnceWorkUntilRevokedOrArchived(string provider)
    {
        await using var app = await ConsoleServer.StartAsync(provider);
        await using var admin = await browser.NewSessionAsync(app);
        var lookup = app.Factory.Services.GetRequiredService<ApiKeyLookup>();
        var ct = TestContext.Current.CancellationToken;

        var login = new LoginPage(admin);
        await login.GotoAsync();
        var shell = await login.SignInAsync(ConsoleAppFactory.AdminEmail, ConsoleAppFactory.AdminPassword);

        // No application yet: the page says what one is and what to do.
        var list = await shell.OpenApplicationsAsync();
        await Expect(list.EmptyState).ToBeVisibleAsync();
        await admin.ScreenshotAsync("20-applications-empty");

        var create = await list.OpenNewApplicationAsync();
        await Expect(create.Name).ToBeFocusedAsync();
        var details = await create.CreateAsync(AppName);
        await Expect(details.NoKeys).ToBeVisibleAsync();
        await Expect(details.RedactionSwitch).ToBeCheckedAsync();

        // A server key, shown once.
        var newKey = await details.OpenNewKeyAsync();
        await Expect(newKey.ServerKind).ToBeCheckedAsync();
        await Expect(newKey.Origins).ToHaveCountAsync(0);
        await newKey.Label.FillAsync(ServerLabel);
        await admin.ScreenshotAsync("21-new-server-key-dialog", fullPage: false);
        var shown = await newKey.CreateAsync();
        var serverKey = await shown.ReadKeyAsync();
        Assert.True(ApiKeyFormat.TryParse(serverKey, out var kind) && kind == ApiKeyKind.Server, $"Not a server key: {serverKey[..Math.Min(12, serverKey.Length)]}…");
        await admin.ScreenshotAsync("22-api-key-shown-once", fullPage: false);
        await shown.DoneAsync();
        await Expect(details.KeyRow(ServerLabel)).ToContainTextAsync(serverKey[..12] + "…");
        await Expect(admin.Page.GetByText(serverKey)).ToHaveCountAsync(0);

        // The key read from the dialog is the one the API accepts; using it shows on the page.
        var caller = await lookup.FindAsync(serverKey, ct);
        Assert.NotNull(caller);
        await lookup.TouchAsync(caller.KeyId, ct);

        // A publishable key for the help centre's chat widget, limited to its origin.
        newKey = await details.OpenNewKeyAsync();
        await newKey.PublishableKind.CheckAsync();
        await newKey.Label.FillAsync(WidgetLabel);
        await newKey.Origins.FillAsync("https://help.example.com/widget");
        await Expect(newKey.Root.GetByText("has a path")).ToBeVisibleAsync();
        await newKey.Origins.FillAsync("https://Help.Example.com/");
        await Expect(newKey.Root.GetByText("has a path")).ToHaveCountAsync(0);
        await admin.ScreenshotAsync("23-new-publishable-key-dialog", fullPage: false);
        shown = await newKey.CreateAsync();
        var widgetKey = await shown.ReadKeyAsync();
        Assert.StartsWith(ApiKeyFormat.PublishablePrefix, widgetKey, StringComparison.Ordinal);
        await Expect(shown.Root).ToContainTextAsync("https://help.example.com");
        await shown.DoneAsync();
        await Expect(details.KeyRow(WidgetLabel)).ToContainTextAsync("https://help.example.com");
        await Expect(details.KeyRow(WidgetLabel)).ToContainTextAsync("Never");
        await Expect(details.KeyRow(ServerLabel)).ToContainTextAsync("Just now");
        Assert.Equal(["https://help.example.com"], (await lookup.FindAsync(widgetKey, ct))?.AllowedOrigins);

        // The widget also runs on a developer's machine.
        await details.EditOriginsAsync(WidgetLabel, "https://help.example.com\nhttp://localhost:5173/");
        await Expect(details.KeyRow(WidgetLabel)).ToContainTextAsync("http://localhost:5173");
        Assert.Equal(["https://help.example.com", "http://localhost:5173"], (await lookup.FindAsync(widgetKey, ct))?.AllowedOrigins);

        // Revoking the server key: the API refuses it at once.
        await details.RevokeAsync(ServerLabel);
        Assert.Null(await lookup.FindAsync(serverKey, ct));
        Assert.NotNull(await lookup.FindAsync(widgetKey, ct));
        await admin.ScreenshotAsync("24-application-details");

        list = await details.BackAsync();
        await Expect(list.Row(AppName)).ToContainTextAsync("1 active");
        await Expect(list.Row(AppName)).ToContainTextAsync("1 revoked");
        await admin.ScreenshotAsync("25-applications");

        // Archiving stops the remaining key too.
        details = await list.OpenAsync(AppName);
        await details.ArchiveAsync(AppName);
        await Expect(details.NewKeyButton).ToBeDisabledAsync();
        Assert.Null(await lookup.FindAsync(widgetKey, ct));
        await admin.ScreenshotAsync("26-application-archived");

        Assert.Empty(admin.PageErrors);
    }
}
