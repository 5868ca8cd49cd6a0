using Microsoft.Playwright;

namespace FeedbackConsole.E2E.Infrastructure;

/// <summary>One person at one browser: a context of their own (cookies) with one page.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private static readonly TimeSpan CircuitTimeout = TimeSpan.FromSeconds(20);

    private readonly BlazorCircuitWatcher _circuits;
    private readonly List<string> _pageErrors = [];

    internal BrowserSession(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        _circuits = new BlazorCircuitWatcher(page);
        page.PageError += (_, error) =>
        {
            lock (_pageErrors)
            {
                _pageErrors.Add(error);
            }
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Uncaught script errors seen so far on the page.</summary>
    public IReadOnlyList<string> PageErrors
    {
        get
        {
            lock (_pageErrors)
            {
                return [.. _pageErrors];
            }
        }
    }

    /// <summary>Runs an action that loads an interactive page, and waits until its circuit is live.</summary>
    public Task RunAndWaitForCircuitAsync(Func<Task> action) => _circuits.RunAndWaitAsync(action, CircuitTimeout);

    /// <summary>Opens an interactive (console) page and waits until it responds to clicks.</summary>
    public Task GotoInteractiveAsync(string path) => RunAndWaitForCircuitAsync(() => Page.GotoAsync(path));

    /// <summary>Opens a static server-rendered page (the account pages have no circuit).</summary>
    public async Task GotoStaticAsync(string path) => await Page.GotoAsync(path);

    public Task ScreenshotAsync(string name, bool fullPage = true) => Screenshots.SaveAsync(Page, name, fullPage);

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
