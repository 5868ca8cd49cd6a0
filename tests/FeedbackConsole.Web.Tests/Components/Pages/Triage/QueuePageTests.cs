using Bunit;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage.Queue;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Web.Components.Pages.Triage;
using FeedbackConsole.Web.Tests.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace FeedbackConsole.Web.Tests.Components.Pages.Triage;

/// <summary>The queue page rendered with Core's real services over a throwaway SQLite database.</summary>
public sealed class QueuePageTests : IAsyncLifetime
{
    private readonly ConsoleBunitContext _context = new();
    private TestDatabase _database = default!;
    private Guid _applicationId;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = await _context.AddCoreOnNewSqliteAsync();
        _context.SignInAs("Ada Reviewer", Roles.Reviewer);
        await _context.Services.InitializeFeedbackConsoleAsync(Ct);
        _context.Render<MudPopoverProvider>();

        await using var db = await _context.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(Ct);
        var app = new Application { Id = Guid.NewGuid(), Name = "Support <b>bot</b>", CreatedAt = DateTimeOffset.UtcNow };
        db.Applications.Add(app);
        await db.SaveChangesAsync(Ct);
        _applicationId = app.Id;
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<long> AddCaseAsync(Action<Case> shape, params (string Key, bool Confirmed)[] modes)
    {
        await using var db = await _context.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(Ct);
        var now = DateTimeOffset.UtcNow;
        var interaction = new Interaction { ApplicationId = _applicationId, ExternalId = Guid.NewGuid().ToString("N"), Input = "q", Output = "a", OccurredAt = now, ReceivedAt = now, UpdatedAt = now, ContentHash = "t" };
        db.Interactions.Add(interaction);
        await db.SaveChangesAsync(Ct);
        var @case = new Case
        {
            ApplicationId = _applicationId, InteractionId = interaction.Id, Priority = 5, SignalCount = 2, ThumbsDown = 2, Reach = 2,
            CreatedAt = now.AddHours(-3), UpdatedAt = now, FirstSignalAt = now, LastSignalAt = now, Version = Guid.NewGuid(),
        };
        shape(@case);
        db.Cases.Add(@case);
        await db.SaveChangesAsync(Ct);
        foreach (var (key, confirmed) in modes)
        {
            var id = await db.FailureModes.Where(m => m.Key == key).Select(m => m.Id).SingleAsync(Ct);
            db.CaseFailureModes.Add(new CaseFailureMode { CaseId = @case.Id, FailureModeId = id, Confirmed = confirmed, Reason = "rule", Score = 0.5 });
        }

        await db.SaveChangesAsync(Ct);
        return @case.Id;
    }

    [Fact]
    public async Task Row_ShowsConfirmedModesFilledAndSuggestedOnesOutlinedAndMarked()
    {
        var id = await AddCaseAsync(c => c.HighestFlag = FlagCategory.Safety, ("factual.error", true), ("tone.inappropriate", false));

        var page = _context.Render<Queue>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("tr.fc-queue-row")), TimeSpan.FromSeconds(10));

        var confirmed = page.Find(".fc-mode-chip[data-mode='factual.error']");
        var suggested = page.Find(".fc-mode-chip[data-mode='tone.inappropriate']");
        Assert.Contains("mud-chip-filled", confirmed.ClassList);
        Assert.DoesNotContain("mud-chip-outlined", confirmed.ClassList);
        Assert.Contains("Factual error", confirmed.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("suggested", confirmed.TextContent, StringComparison.Ordinal);
        Assert.Contains("mud-chip-outlined", suggested.ClassList);
        Assert.Contains("(suggested)", suggested.TextContent, StringComparison.Ordinal);
        Assert.Contains($"#{id}", page.Find("tr.fc-queue-row").TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.Find("[aria-label='Safety flag']"));
        Assert.NotNull(page.Find("[aria-label='2 thumbs down']"));
        Assert.Contains("3 h", page.Find("tr.fc-queue-row").TextContent, StringComparison.Ordinal);
        // The application's name is text, never markup.
        Assert.Contains("Support <b>bot</b>", page.Find("tr.fc-queue-row").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("tr.fc-queue-row b"));
    }

    [Fact]
    public async Task Address_FiltersTheGrid_AndStatusCountsIgnoreTheStatusFilter()
    {
        var flagged = await AddCaseAsync(c => c.HighestFlag = FlagCategory.Compliance);
        await AddCaseAsync(c => { });
        await AddCaseAsync(c => c.Status = CaseStatus.Dismissed);
        _context.Services.GetRequiredService<NavigationManager>().NavigateTo("triage?flag=compliance");

        var page = _context.Render<Queue>();

        page.WaitForAssertion(() =>
        {
            var row = Assert.Single(page.FindAll("tr.fc-queue-row"));
            Assert.Contains($"#{flagged}", row.TextContent, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10));
        Assert.Contains("Clear filters", page.Markup, StringComparison.Ordinal);

        // A new address is a new render of the page (the router re-renders it in the app).
        _context.Services.GetRequiredService<NavigationManager>().NavigateTo("triage?status=all");
        page = _context.Render<Queue>();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("tr.fc-queue-row").Count), TimeSpan.FromSeconds(10));
        var tabs = System.Text.RegularExpressions.Regex.Replace(page.Find("nav.fc-status-tabs").TextContent, @"\s+", " ");
        Assert.Contains("Open 2", tabs, StringComparison.Ordinal);
        Assert.Contains("Dismissed 1", tabs, StringComparison.Ordinal);
        Assert.Contains("New 2", tabs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoMatch_SaysSoAndOffersToClearFilters()
    {
        await AddCaseAsync(c => { });
        _context.Services.GetRequiredService<NavigationManager>().NavigateTo("triage?" + new QueueFilter { Flag = FlagScope.Safety }.ToQueryString());

        var page = _context.Render<Queue>();

        page.WaitForAssertion(() => Assert.Contains("No cases match these filters", page.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("tr.fc-queue-row"));
    }
}
