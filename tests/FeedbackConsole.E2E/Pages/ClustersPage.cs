using FeedbackConsole.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Pages;

/// <summary>/clusters: near-duplicate cases of one application, biggest first.</summary>
public sealed class ClustersPage(BrowserSession session)
{
    public const string Path = "/clusters";

    private IPage Page => session.Page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Clusters", Level = 1, Exact = true });

    public ILocator Table => Page.GetByRole(AriaRole.Region, new() { Name = "Clusters list" });

    /// <summary>Cluster rows (each names its cluster in a link; the header row has none).</summary>
    public ILocator Rows => Table.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Link) });

    public ILocator EmptyHeading(string text) => Page.GetByRole(AriaRole.Heading, new() { Name = text, Level = 2 });

    public ILocator SortButton(string name) => Page.GetByRole(AriaRole.Group, new() { Name = "Biggest by" }).GetByText(name, new() { Exact = true });

    public async Task GotoAsync(string query = "")
    {
        await session.GotoInteractiveAsync(Path + query);
        await Expect(Heading).ToBeVisibleAsync();
    }
}
