using FeedbackConsole.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Pages;

/// <summary>
/// The sample chat page (SampleChat/chat.html) on its own origin, with the capture script from the console. It
/// also records the page's console output, to tell the script's own complaints from the browser's reports of
/// failed requests.
/// </summary>
public sealed class SampleChatPage
{
    private readonly BrowserSession _session;
    private readonly SampleChatHost _host;
    private readonly List<IConsoleMessage> _console = [];

    public SampleChatPage(BrowserSession session, SampleChatHost host)
    {
        _session = session;
        _host = host;
        session.Page.Console += (_, message) =>
        {
            lock (_console)
            {
                _console.Add(message);
            }
        };
    }

    private IPage Page => _session.Page;

    public ILocator Conversation => Page.GetByRole(AriaRole.Region, new() { Name = "Conversation" });

    public ILocator Status => Page.GetByRole(AriaRole.Status);

    public ILocator QuestionBox => Page.GetByLabel("Your question");

    /// <summary>The assistant's answer to <paramref name="question"/>.</summary>
    public ILocator Answer(string question) => Page.GetByRole(AriaRole.Article, new() { Name = "Answer to: " + question, Exact = true });

    public ILocator Helpful(string question) => Answer(question).GetByRole(AriaRole.Button, new() { Name = "Helpful", Exact = true });

    public ILocator NotHelpful(string question) => Answer(question).GetByRole(AriaRole.Button, new() { Name = "Not helpful", Exact = true });

    public ILocator CopyButton(string question) => Answer(question).GetByRole(AriaRole.Button, new() { Name = "Copy" });

    public ILocator RegenerateButton(string question) => Answer(question).GetByRole(AriaRole.Button, new() { Name = "Regenerate" });

    /// <summary>The answer's text (the first paragraph that is not a note).</summary>
    public ILocator AnswerText(string question) => Answer(question).Locator(".body p:not(.note)");

    /// <summary>Console messages that mention the capture script (it only ever logs its own swallowed errors, at debug level).</summary>
    public IReadOnlyList<string> ScriptMessages => Messages(m => m.Text.Contains("FeedbackCapture", StringComparison.Ordinal));

    /// <summary>
    /// Console errors other than the browser's own reports of a request that failed or was refused by CORS
    /// (those are the browser telling the developer, not a script error).
    /// </summary>
    public IReadOnlyList<string> UnexpectedConsoleErrors => Messages(m => m.Type == "error" && !IsNetworkReport(m.Text));

    /// <summary>Opens the chat and waits until the capture script has started.</summary>
    public async Task GotoAsync()
    {
        await Page.GotoAsync(_host.Address.ToString());
        await Expect(Conversation).ToBeVisibleAsync();
        await Page.WaitForFunctionAsync("() => typeof window.FeedbackCapture === 'object'");
    }

    /// <summary>Selects the text of an answer and copies it with the keyboard, as a person does.</summary>
    public async Task SelectAndCopyAsync(string question)
    {
        await AnswerText(question).SelectTextAsync();
        await Page.Keyboard.PressAsync("Control+C");
    }

    /// <summary>Types a question and waits for the assistant's answer to appear.</summary>
    public async Task AskAsync(string question)
    {
        await QuestionBox.FillAsync(question);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(AnswerText(question)).ToBeVisibleAsync();
    }

    /// <summary>Leaves the chat for another page: the browser fires pagehide and the script sends what it has.</summary>
    public async Task LeaveAsync()
    {
        await Page.GotoAsync(_host.ByePage.ToString());
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "You left the chat" })).ToBeVisibleAsync();
    }

    /// <summary>Completes with the next request to the console's signals endpoint that fails (refused or unreachable).</summary>
    public Task<IRequest> WaitForFailedSignalsRequestAsync()
    {
        var failed = new TaskCompletionSource<IRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnFailed(object? sender, IRequest request)
        {
            if (request.Url.EndsWith("/api/v1/signals", StringComparison.Ordinal) && failed.TrySetResult(request))
            {
                Page.RequestFailed -= OnFailed;
            }
        }

        Page.RequestFailed += OnFailed;
        return failed.Task.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
    }

    /// <summary>What the capture script still holds, not yet sent.</summary>
    public Task<int> PendingSignalsAsync() => Page.EvaluateAsync<int>("() => window.FeedbackCapture.pending().length");

    private static bool IsNetworkReport(string text) =>
        text.StartsWith("Failed to load resource", StringComparison.Ordinal)
        || text.Contains("blocked by CORS policy", StringComparison.Ordinal)
        || text.Contains("net::ERR_", StringComparison.Ordinal);

    private List<string> Messages(Func<IConsoleMessage, bool> filter)
    {
        lock (_console)
        {
            return [.. _console.Where(filter).Select(m => $"[{m.Type}] {m.Text} ({m.Location})")];
        }
    }
}
