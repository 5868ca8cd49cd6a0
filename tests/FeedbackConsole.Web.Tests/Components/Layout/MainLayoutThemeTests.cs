using System.Security.Claims;
using Bunit;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Web.Components.Layout;
using FeedbackConsole.Web.Tests.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Web.Tests.Components.Layout;

/// <summary>
/// The layout's theme: a saved choice wins over the browser's colour scheme, whichever answer comes first. The saved
/// choice is read from the database through a factory that waits until the test lets it, so that the race a truly
/// asynchronous read (PostgreSQL) allows is played out in a fixed order.
/// </summary>
public sealed class MainLayoutThemeTests : IAsyncLifetime
{
    private readonly ConsoleBunitContext _context = new();
    private readonly TaskCompletionSource _readMayStart = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TestDatabase _database = default!;
    private string _userId = "";

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = await _context.AddCoreOnNewSqliteAsync();
        // The layout's preferences read through a factory that holds the read until the test releases it.
        _context.Services.AddSingleton(sp => new UserPreferences(
            new HeldFactory(sp.GetRequiredService<IDbContextFactory<FeedbackDbContext>>(), _readMayStart.Task)));
        _userId = _context.SignInAs("Rita Reviewer", Roles.Reviewer).FindFirstValue(ClaimTypes.NameIdentifier)!;
        await _context.Services.InitializeFeedbackConsoleAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task SavedDark_ReadBeforeTheBrowserAnswersLight_StaysDark()
    {
        await AddUserAsync(prefersDarkMode: true);
        var browser = _context.JSInterop.Setup<bool>("mudThemeProvider.isDarkMode", _ => true);

        var layout = RenderLayout();
        // First render: the saved choice is still being read, so the layout asks the browser (and waits for it).
        layout.WaitForAssertion(() => Assert.Single(browser.Invocations));
        Assert.Equal("Switch to dark theme", ToggleLabel(layout));

        _readMayStart.SetResult();
        layout.WaitForAssertion(() => Assert.Equal("Switch to light theme", ToggleLabel(layout)));

        browser.SetResult(false); // the browser prefers light, but the person chose dark
        await layout.InvokeAsync(() => { }); // after the layout has handled the browser's answer
        Assert.Equal("Switch to light theme", ToggleLabel(layout));
    }

    [Fact]
    public async Task NothingSaved_FollowsTheBrowser()
    {
        await AddUserAsync(prefersDarkMode: null);
        var browser = _context.JSInterop.Setup<bool>("mudThemeProvider.isDarkMode", _ => true);
        _readMayStart.SetResult();

        var layout = RenderLayout();
        layout.WaitForAssertion(() => Assert.Single(browser.Invocations));
        browser.SetResult(true);

        layout.WaitForAssertion(() => Assert.Equal("Switch to light theme", ToggleLabel(layout)));
    }

    private IRenderedComponent<MainLayout> RenderLayout() =>
        _context.Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page"))));

    private static string? ToggleLabel(IRenderedComponent<MainLayout> layout) =>
        layout.Find("button[aria-label^='Switch to']").GetAttribute("aria-label");

    private async Task AddUserAsync(bool? prefersDarkMode)
    {
        var factory = _context.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();
        await using var db = await factory.CreateDbContextAsync(Ct);
        db.Users.Add(new ApplicationUser
        {
            Id = _userId, UserName = "rita@example.test", NormalizedUserName = "RITA@EXAMPLE.TEST", Email = "rita@example.test",
            NormalizedEmail = "RITA@EXAMPLE.TEST", DisplayName = "Rita Reviewer", SecurityStamp = Guid.NewGuid().ToString(),
            PrefersDarkMode = prefersDarkMode,
        });
        await db.SaveChangesAsync(Ct);
    }

    private sealed class HeldFactory(IDbContextFactory<FeedbackDbContext> inner, Task mayStart) : IDbContextFactory<FeedbackDbContext>
    {
        public FeedbackDbContext CreateDbContext() => throw new InvalidOperationException("The layout reads asynchronously.");

        public async Task<FeedbackDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
        {
            await mayStart.WaitAsync(cancellationToken);
            return await inner.CreateDbContextAsync(cancellationToken);
        }
    }
}
