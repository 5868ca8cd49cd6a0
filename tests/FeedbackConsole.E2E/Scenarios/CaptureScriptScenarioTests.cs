using System.Net;
using System.Net.Sockets;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.E2E.Infrastructure;
using FeedbackConsole.E2E.Pages;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using Microsoft.EntityFrameworkCore;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Scenarios;

/// <summary>
/// The browser capture script (/assets/feedback-capture.js) on a customer's chat page served from another origin:
/// what a person does there arrives as signals through a real cross-origin request with a CORS preflight, and
/// the page keeps working when the console refuses the origin or cannot be reached.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class CaptureScriptScenarioTests(BrowserFixture browser)
{
    private const string EndUser = "user-42";
    private const string PasswordQuestion = "How do I reset my password?";
    private const string InvoiceQuestion = "Can I change the address on an invoice I already paid?";
    private const string PhoneQuestion = "When is phone support open?";
    private const string ShippingQuestion = "How long does shipping take?";
    private const string SignalsPath = "/api/v1/signals";

    private static readonly TimeSpan ArrivalTimeout = TimeSpan.FromSeconds(15);

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ChatPage_PersonGivesFeedbackAndLeaves_EachSignalKindStoredOnceForItsAnswer(string provider)
    {
        await using var console = await ConsoleServer.StartAsync(provider);
        await using var chat = await SampleChatHost.StartAsync(console.Address);
        var application = await console.Factory.CreateApplicationAsync("Support chat", ApiKeyKind.Publishable, allowedOrigins: [chat.Origin]);
        chat.Key = application.Key;
        await using var session = await browser.NewSessionAsync(console);
        var page = new SampleChatPage(session, chat);
        await page.GotoAsync();
        await session.ScreenshotAsync("40-sample-chat");

        // The first batch leaves on the script's timer while the page is open: a cross-origin request the
        // console allows for this origin (Authorization makes the browser ask with a preflight first).
        var firstBatch = session.Page.WaitForResponseAsync(r => r.Url.EndsWith(SignalsPath, StringComparison.Ordinal));
        await page.NotHelpful(PasswordQuestion).ClickAsync();
        await Expect(page.Status).ToHaveTextAsync("Thanks, we will look into this answer.");
        await page.Helpful(InvoiceQuestion).ClickAsync();
        await Expect(page.Helpful(InvoiceQuestion)).ToHaveAttributeAsync("aria-pressed", "true");
        var response = await firstBatch;
        Assert.Equal(207, response.Status);
        Assert.Equal(chat.Origin, await response.HeaderValueAsync("access-control-allow-origin"));

        // The page's copy button selects the answer and runs the copy command: one copy, not a click and a copy.
        await page.CopyButton(InvoiceQuestion).ClickAsync();
        await Expect(page.Status).ToHaveTextAsync("Answer copied.");
        await page.SelectAndCopyAsync(PasswordQuestion);
        await page.RegenerateButton(PhoneQuestion).ClickAsync();
        await Expect(page.AnswerText(PhoneQuestion).Last).ToContainTextAsync("Monday to Friday");
        // Answers added after the script started are watched like the others.
        await page.AskAsync(ShippingQuestion);
        // Reading the latest answer for a while, without using it.
        await session.Page.WaitForTimeoutAsync(1_500);
        // What the person sees: the conversation scrolled to the newest answer, above the composer.
        await session.ScreenshotAsync("41-sample-chat-after-feedback", fullPage: false);

        await page.LeaveAsync();

        var signals = await WaitForSignalsAsync(console, application.Id,
            s => s.Any(x => x.Kind == SignalKind.Abandon) && s.Count(x => x.Kind == SignalKind.Dwell) >= 5);
        Assert.Equal(
            [
                "abandon turn-4", "copy turn-1", "copy turn-2",
                "dwell turn-1", "dwell turn-2", "dwell turn-3", "dwell turn-3b", "dwell turn-4",
                "regenerate turn-3", "thumb turn-1 down", "thumb turn-2 up",
            ],
            [.. signals.Select(Describe).Order(StringComparer.Ordinal)]);
        Assert.All(signals, s => Assert.Equal(EndUser, s.EndUserId));
        Assert.All(signals.Where(s => s.Kind == SignalKind.Dwell), s => Assert.True(s.DwellMilliseconds > 0, $"dwell of {s.InteractionExternalId}: {s.DwellMilliseconds} ms"));
        var latestDwell = signals.Single(s => s is { Kind: SignalKind.Dwell, InteractionExternalId: "turn-4" }).DwellMilliseconds;
        Assert.True(latestDwell >= 1_500, $"The latest answer was on screen for at least 1.5 s, but its dwell is {latestDwell} ms.");

        Assert.Empty(session.PageErrors);
        Assert.Empty(page.ScriptMessages);
        Assert.Empty(page.UnexpectedConsoleErrors);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ChatPage_ReadThenTabClosed_DwellAndAbandonArriveAfterThePageIsGone(string provider)
    {
        await using var console = await ConsoleServer.StartAsync(provider);
        await using var chat = await SampleChatHost.StartAsync(console.Address);
        var application = await console.Factory.CreateApplicationAsync("Support chat", ApiKeyKind.Publishable, allowedOrigins: [chat.Origin]);
        chat.Key = application.Key;
        await using var session = await browser.NewSessionAsync(console);
        var page = new SampleChatPage(session, chat);
        await page.GotoAsync();

        // Nothing is sent while the person only reads, so the one request leaves as the tab closes: keepalive,
        // with a preflight of its own (none is cached yet), after the page is gone.
        await session.Page.WaitForTimeoutAsync(500);
        Assert.Equal(0, await page.PendingSignalsAsync());
        await session.Page.CloseAsync(new() { RunBeforeUnload = true });

        var signals = await WaitForSignalsAsync(console, application.Id,
            s => s.Any(x => x.Kind == SignalKind.Abandon) && s.Count(x => x.Kind == SignalKind.Dwell) >= 3);
        Assert.Equal(
            ["abandon turn-3", "dwell turn-1", "dwell turn-2", "dwell turn-3"],
            [.. signals.Select(Describe).Order(StringComparer.Ordinal)]);
        Assert.All(signals, s => Assert.Equal(EndUser, s.EndUserId));
        Assert.All(signals.Where(s => s.Kind == SignalKind.Dwell), s => Assert.True(s.DwellMilliseconds >= 400, $"dwell of {s.InteractionExternalId}: {s.DwellMilliseconds} ms"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ChatPage_AppReRendersReusesAndPrependsAnswers_DwellAndAbandonFollowTheAnswers(string provider)
    {
        await using var console = await ConsoleServer.StartAsync(provider);
        await using var chat = await SampleChatHost.StartAsync(console.Address);
        var application = await console.Factory.CreateApplicationAsync("Support chat", ApiKeyKind.Publishable, allowedOrigins: [chat.Origin]);
        chat.Key = application.Key;
        await using var session = await browser.NewSessionAsync(console);
        var page = new SampleChatPage(session, chat);
        await page.GotoAsync();
        await session.Page.WaitForTimeoutAsync(300);

        // What front-end frameworks do to a conversation: re-render an answer into a new element, reuse an
        // element for another answer, and load older history above the newest answer.
        await session.Page.EvaluateAsync("""
            () => {
              const first = document.querySelector('[data-fc-interaction="turn-1"]');
              first.replaceWith(first.cloneNode(true));
              document.querySelector('[data-fc-interaction="turn-2"]').setAttribute('data-fc-interaction', 'turn-2-edited');
              const older = document.createElement('article');
              older.setAttribute('data-fc-interaction', 'turn-0');
              older.textContent = 'An answer from earlier in the conversation.';
              document.querySelector('.conversation').prepend(older);
            }
            """);
        await session.Page.WaitForTimeoutAsync(1_200);
        await session.Page.CloseAsync(new() { RunBeforeUnload = true });

        var signals = await WaitForSignalsAsync(console, application.Id,
            s => s.Any(x => x.Kind == SignalKind.Abandon) && s.Count(x => x.Kind == SignalKind.Dwell) >= 5);
        // The newest answer is still the last one on the page, not the one inserted last.
        Assert.Equal(
            ["abandon turn-3", "dwell turn-0", "dwell turn-1", "dwell turn-2", "dwell turn-2-edited", "dwell turn-3"],
            [.. signals.Select(Describe).Order(StringComparer.Ordinal)]);
        Assert.All(signals, s => Assert.Equal(EndUser, s.EndUserId));
        int? Dwell(string interaction) => signals.Single(s => s.Kind == SignalKind.Dwell && s.InteractionExternalId == interaction).DwellMilliseconds;
        // The re-rendered answer kept its clock running in its new element: one dwell for the whole visit.
        Assert.True(Dwell("turn-1") >= 1_200, $"turn-1 was on screen about 1.5 s, its dwell is {Dwell("turn-1")} ms.");
        // The reused element's time after the change belongs to the answer it now shows.
        Assert.True(Dwell("turn-2-edited") >= 1_000, $"turn-2-edited was on screen 1.2 s, its dwell is {Dwell("turn-2-edited")} ms.");
        Assert.True(Dwell("turn-2") < Dwell("turn-1"), $"turn-2 stopped counting when its element was reused: {Dwell("turn-2")} ms.");
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ChatPage_OriginNotListed_RefusedByCorsNothingStoredPageKeepsWorking(string provider)
    {
        await using var console = await ConsoleServer.StartAsync(provider);
        await using var chat = await SampleChatHost.StartAsync(console.Address);
        var application = await console.Factory.CreateApplicationAsync("Support chat", ApiKeyKind.Publishable, allowedOrigins: ["https://help.example.com"]);
        chat.Key = application.Key;
        await using var session = await browser.NewSessionAsync(console);
        var page = new SampleChatPage(session, chat);
        await page.GotoAsync();

        // The preflight finds no listed origin, so the browser never sends the signals themselves.
        var refused = page.WaitForFailedSignalsRequestAsync();
        await page.NotHelpful(PasswordQuestion).ClickAsync();
        await Expect(page.Status).ToHaveTextAsync("Thanks, we will look into this answer.");
        await refused;

        // The page's own features are untouched.
        await page.CopyButton(InvoiceQuestion).ClickAsync();
        await Expect(page.Status).ToHaveTextAsync("Answer copied.");
        await page.AskAsync(ShippingQuestion);
        await page.LeaveAsync();

        Assert.Empty(await StoredSignalsAsync(console, application.Id));
        Assert.Null(await console.Factory.QueryDbAsync(db => db.ApiKeys.Where(k => k.Id == application.KeyId).Select(k => k.LastUsedAt).SingleAsync()));
        Assert.Empty(session.PageErrors);
        Assert.Empty(page.ScriptMessages);
        Assert.Empty(page.UnexpectedConsoleErrors);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ChatPage_OriginListedOnlyForAnotherKey_RefusedAndScriptStopsSending(string provider)
    {
        await using var console = await ConsoleServer.StartAsync(provider);
        await using var chat = await SampleChatHost.StartAsync(console.Address);
        // CORS lets the origin through (another application's key lists it); this key does not list it.
        await console.Factory.CreateApplicationAsync("Other chat", ApiKeyKind.Publishable, allowedOrigins: [chat.Origin]);
        var application = await console.Factory.CreateApplicationAsync("Support chat", ApiKeyKind.Publishable, allowedOrigins: ["https://help.example.com"]);
        chat.Key = application.Key;
        await using var session = await browser.NewSessionAsync(console);
        var page = new SampleChatPage(session, chat);
        var requests = 0;
        session.Page.Request += (_, request) =>
        {
            if (request.Url.EndsWith(SignalsPath, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref requests);
            }
        };
        await page.GotoAsync();

        var firstBatch = session.Page.WaitForResponseAsync(r => r.Url.EndsWith(SignalsPath, StringComparison.Ordinal));
        await page.NotHelpful(PasswordQuestion).ClickAsync();
        Assert.Equal(401, (await firstBatch).Status);

        // A refused key will not get better: the script stops queueing and sending, and the page works on.
        await page.Helpful(InvoiceQuestion).ClickAsync();
        await Expect(page.Status).ToHaveTextAsync("Thanks, glad it helped.");
        Assert.Equal(0, await page.PendingSignalsAsync());
        await session.Page.EvaluateAsync("() => window.FeedbackCapture.flush()");
        await page.AskAsync(ShippingQuestion);
        Assert.Equal(1, Volatile.Read(ref requests));

        Assert.Empty(await StoredSignalsAsync(console, application.Id));
        Assert.Empty(session.PageErrors);
        Assert.Empty(page.ScriptMessages);
        Assert.Empty(page.UnexpectedConsoleErrors);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ChatPage_ConsoleUnreachable_PageKeepsWorkingAndScriptStaysQuiet(string provider)
    {
        await using var console = await ConsoleServer.StartAsync(provider);
        await using var chat = await SampleChatHost.StartAsync(console.Address);
        var application = await console.Factory.CreateApplicationAsync("Support chat", ApiKeyKind.Publishable, allowedOrigins: [chat.Origin]);
        chat.Key = application.Key;
        chat.Endpoint = ClosedPort();
        await using var session = await browser.NewSessionAsync(console);
        var page = new SampleChatPage(session, chat);
        await page.GotoAsync();

        var failed = page.WaitForFailedSignalsRequestAsync();
        await page.NotHelpful(PasswordQuestion).ClickAsync();
        await Expect(page.Status).ToHaveTextAsync("Thanks, we will look into this answer.");
        Assert.Contains("ERR_CONNECTION_REFUSED", (await failed).Failure, StringComparison.Ordinal);

        await page.CopyButton(InvoiceQuestion).ClickAsync();
        await Expect(page.Status).ToHaveTextAsync("Answer copied.");
        await page.RegenerateButton(PhoneQuestion).ClickAsync();
        await Expect(page.AnswerText(PhoneQuestion).Last).ToContainTextAsync("Monday to Friday");
        await page.AskAsync(ShippingQuestion);
        await session.Page.EvaluateAsync("() => window.FeedbackCapture.flush()");
        await page.LeaveAsync();

        Assert.Empty(await StoredSignalsAsync(console, application.Id));
        Assert.Empty(session.PageErrors);
        Assert.Empty(page.ScriptMessages);
        Assert.Empty(page.UnexpectedConsoleErrors);
    }

    private static string Describe(Signal s) => s.Kind switch
    {
        SignalKind.Thumb => $"thumb {s.InteractionExternalId} {(s.ThumbUp == true ? "up" : "down")}",
        _ => $"{s.Kind.ToString().ToLowerInvariant()} {s.InteractionExternalId}",
    };

    /// <summary>An address where nothing listens: a port the OS just handed out and took back.</summary>
    private static Uri ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>Waits until the signals the page sent have arrived (the last batch leaves with the page), then returns them.</summary>
    private static async Task<List<Signal>> WaitForSignalsAsync(ConsoleServer console, Guid applicationId, Func<List<Signal>, bool> arrived)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(ArrivalTimeout);
        while (true)
        {
            var signals = await StoredSignalsAsync(console, applicationId);
            if (arrived(signals))
            {
                return signals;
            }

            try
            {
                await Task.Delay(100, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"The signals did not arrive within {ArrivalTimeout.TotalSeconds:0} s; stored: {string.Join(", ", signals.Select(Describe))}.");
            }
        }
    }

    /// <summary>What the page sent, as stored (without the signals enrichment derives from them).</summary>
    private static Task<List<Signal>> StoredSignalsAsync(ConsoleServer console, Guid applicationId) =>
        console.Factory.QueryDbAsync(db => db.Signals.AsNoTracking()
            .Where(s => s.ApplicationId == applicationId && !s.IsDerived)
            .ToListAsync());
}
