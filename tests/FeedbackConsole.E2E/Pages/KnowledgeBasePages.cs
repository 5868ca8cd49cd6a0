using FeedbackConsole.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Pages;

/// <summary>/knowledge-bases: every knowledge base with its counts.</summary>
public sealed class KnowledgeBaseListPage(BrowserSession session)
{
    private IPage Page => session.Page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Knowledge bases", Level = 1, Exact = true });

    /// <summary>The row of a knowledge base, found by the link to it (MudTable puts its label on a wrapper, not the table).</summary>
    public ILocator Row(string name) =>
        Page.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }) });

    public async Task GotoAsync()
    {
        await session.GotoInteractiveAsync("/knowledge-bases");
        await Expect(Heading).ToBeVisibleAsync();
    }
}

/// <summary>/knowledge-bases/{id}: the entries of one knowledge base.</summary>
public sealed class KnowledgeBaseEntriesPage(BrowserSession session)
{
    private IPage Page => session.Page;

    public ILocator Heading(string name) => Page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1, Exact = true });

    /// <summary>The entry rows (each holds a link to its entry).</summary>
    public ILocator EntryRows => Page.Locator("table tbody tr").Filter(new() { Has = Page.GetByRole(AriaRole.Link) });

    public ILocator Row(string title) =>
        Page.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Link, new() { Name = title, Exact = true }) });

    public ILocator Search => Page.GetByRole(AriaRole.Textbox, new() { Name = "Search entries" });
}

/// <summary>/cases/{id}/propose: the "Propose correction" editor.</summary>
public sealed class ProposeCorrectionPage(BrowserSession session)
{
    private IPage Page => session.Page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Propose correction", Level = 1, Exact = true });

    public ILocator Action(string label) => Page.GetByRole(AriaRole.Radio, new() { Name = label });

    public ILocator Content => Page.GetByRole(AriaRole.Textbox, new() { Name = "Content" });

    public ILocator Summary => Page.GetByRole(AriaRole.Textbox, new() { Name = "Summary: why this change?" });

    public ILocator UseCorrection => Page.GetByRole(AriaRole.Button, new() { Name = "Use the end user's correction" });

    public ILocator Diff => Page.GetByTestId("revision-diff");

    public ILocator Submit => Page.GetByRole(AriaRole.Button, new() { Name = "Propose correction", Exact = true });
}

/// <summary>/approvals: the queue of proposed revisions.</summary>
public sealed class ApprovalsPage(BrowserSession session)
{
    private IPage Page => session.Page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Approvals", Level = 1, Exact = true });

    public ILocator Table => Page.Locator("table");

    public ILocator Proposal(string title) => Table.GetByRole(AriaRole.Link, new() { Name = title, Exact = true });

    public async Task GotoAsync()
    {
        await session.GotoInteractiveAsync("/approvals");
        await Expect(Heading).ToBeVisibleAsync();
    }
}

/// <summary>/revisions/{id}: one proposal with its diff, source cases and the decision.</summary>
public sealed class RevisionPage(BrowserSession session)
{
    private IPage Page => session.Page;

    public ILocator State => Page.GetByTestId("revision-state");

    public ILocator Diff => Page.GetByTestId("revision-diff");

    public ILocator Approve => Page.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true });

    public ILocator Reject => Page.GetByRole(AriaRole.Button, new() { Name = "Reject", Exact = true });

    public ILocator Withdraw => Page.GetByRole(AriaRole.Button, new() { Name = "Withdraw", Exact = true });

    public ILocator ApproveBlocked => Page.GetByTestId("approve-blocked");

    public ILocator Comment => Page.GetByRole(AriaRole.Textbox, new() { Name = "Comment" });

    public ILocator SourceCase(long caseId) => Page.GetByRole(AriaRole.Link, new() { Name = $"Case #{caseId}", Exact = true });
}
