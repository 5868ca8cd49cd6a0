using FeedbackConsole.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Pages;

/// <summary>/impact: the dashboard, and /impact/corrections/{id}: one correction's impact.</summary>
public sealed class ImpactPage(BrowserSession session)
{
    public const string Path = "/impact";

    private IPage Page => session.Page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Impact", Level = 1, Exact = true });

    public ILocator Chart(string title) => Page.Locator(".fc-impact-chart").Filter(new() { Has = Page.GetByRole(AriaRole.Heading, new() { Name = title, Level = 2 }) });

    /// <summary>The drawn plot inside a chart card (Plotly's SVG).</summary>
    public ILocator Plot(string title) => Chart(title).Locator(".main-svg").First;

    public ILocator CsvLink(string title) => Chart(title).GetByRole(AriaRole.Link, new() { Name = $"Download the data of {title} as CSV" });

    public ILocator Filter(string label) => Page.GetByRole(AriaRole.Search, new() { Name = "Dashboard filters" }).GetByLabel(label, new() { Exact = true });

    /// <summary>The application select's text box (MudSelect shows the chosen label in a read-only input).</summary>
    public ILocator ApplicationInput => Page.GetByRole(AriaRole.Search, new() { Name = "Dashboard filters" }).Locator("input").First;

    public ILocator TopCorrections => Page.GetByTestId("top-corrections");

    public async Task GotoAsync(string query = "")
    {
        await session.GotoInteractiveAsync(Path + query);
        await Expect(Heading).ToBeVisibleAsync();
    }
}
