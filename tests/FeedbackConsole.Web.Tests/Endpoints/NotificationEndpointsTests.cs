using System.Net;
using System.Text.Json;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Notifications;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using FeedbackConsole.Web.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Web.Tests.Endpoints;

/// <summary>The end-user notifications API and the end-user page behind a signed link.</summary>
public sealed class NotificationEndpointsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<long> NotifyAsync(ConsoleAppFactory app, Guid applicationId, string endUser, string outcome, bool inApp = true)
    {
        var row = new Notification
        {
            PublicId = Guid.NewGuid(), ApplicationId = applicationId, EndUserId = endUser, Kind = NotificationKind.Released,
            TriggerKey = "test:" + Guid.NewGuid().ToString("N"), Feedback = "You wrote “30 days, not 14”.", Outcome = outcome, InApp = inApp,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await app.WithDbAsync(async db =>
        {
            db.Notifications.Add(row);
            await db.SaveChangesAsync(Ct);
        });
        return row.Id;
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task List_NewestFirst_Paged_OnlyTheKeysApplication(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var mine = await app.CreateApplicationAsync("Mine");
        var theirs = await app.CreateApplicationAsync("Theirs");
        await NotifyAsync(app, mine.Id, "u-1", "first");
        await NotifyAsync(app, mine.Id, "u-1", "hidden (opted out of in-app)", inApp: false);
        await NotifyAsync(app, mine.Id, "u-1", "second");
        await NotifyAsync(app, mine.Id, "u-1", "third");
        await NotifyAsync(app, mine.Id, "u-2", "someone else's");
        await NotifyAsync(app, theirs.Id, "u-1", "other application's");
        using var client = app.ApiClient(mine.Key);

        var page = await GetJsonAsync(client, "/api/v1/end-users/u-1/notifications?limit=2");
        Assert.Equal(["third", "second"], page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("outcome").GetString()));
        var next = page.GetProperty("next").GetString();
        var last = await GetJsonAsync(client, $"/api/v1/end-users/u-1/notifications?limit=2&after={next}");
        Assert.Equal(["first"], last.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("outcome").GetString()));
        Assert.Equal(JsonValueKind.Null, last.GetProperty("next").ValueKind);
        var item = page.GetProperty("items")[0];
        Assert.Equal(["id", "kind", "caseId", "feedback", "outcome", "servedCount", "createdAt"], item.EnumerateObject().Select(p => p.Name));
        Assert.Equal("released", item.GetProperty("kind").GetString());

        using var other = app.ApiClient(theirs.Key);
        var theirsSeen = await GetJsonAsync(other, "/api/v1/end-users/u-1/notifications");
        Assert.Equal(["other application's"], theirsSeen.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task List_BadCursorOrLimit_400_PublishableKey_403()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var app = new ConsoleAppFactory(database);
        var mine = await app.CreateApplicationAsync("Mine");
        var (publishable, _) = await app.CreateKeyAsync(mine.Id, ApiKeyKind.Publishable, ["https://chat.example.test"]);
        using var client = app.ApiClient(mine.Key);

        foreach (var query in new[] { "limit=0", "limit=101", "after=abc", "after=-3" })
        {
            using var response = await client.GetAsync(new Uri($"/api/v1/end-users/u-1/notifications?{query}", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        using var browser = app.ApiClient(publishable, "https://chat.example.test");
        using var refused = await browser.GetAsync(new Uri("/api/v1/end-users/u-1/notifications", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EndUserPage_ShowsTheirFeedbackOnAnyInteraction_EvenBeforeItArrives_AndNoOneElses(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var application = await app.CreateApplicationAsync("Acme");
        using var api = app.ApiClient(application.Key);
        static Dictionary<string, object?> Comment(string id, string turn, string? endUser, string text) =>
            IngestionPayloads.Signal(id, turn, "comment").With("text", text).With("endUserId", endUser);

        // Ann's and Bob's answers, and one with no end user; turn-later is sent only after the signals on it.
        Assert.All(await IngestionPayloads.ResultsAsync(await api.PostJsonTextAsync(IngestionPayloads.Interactions, IngestionPayloads.InteractionBatch(
            IngestionPayloads.Interaction("turn-ann").With("endUserId", "ann"),
            IngestionPayloads.Interaction("turn-bob").With("endUserId", "bob"),
            IngestionPayloads.Interaction("turn-anon").Without("endUserId")))), r => Assert.Equal("accepted", r.Status));
        Assert.All(await IngestionPayloads.ResultsAsync(await api.PostJsonTextAsync(IngestionPayloads.Signals, IngestionPayloads.SignalBatch(
            Comment("s1", "turn-ann", "ann", "Ann on her own answer"),
            Comment("s2", "turn-ann", null, "Nobody named on the answer of Ann"),
            Comment("s3", "turn-ann", "bob", "Bob on the answer of Ann"),
            Comment("s4", "turn-bob", "ann", "Ann on the answer of Bob"),
            Comment("s5", "turn-anon", "ann", "Ann on an answer of no one"),
            Comment("s6", "turn-later", "ann", "Ann before her answer was stored"),
            Comment("s7", "turn-later", "bob", "Bob before the answer of Ann was stored")))), r => Assert.Equal("accepted", r.Status));

        var links = app.Services.GetRequiredService<EndUserLinks>();
        using var client = BrowserlessSignIn.AnonymousClient(app);
        async Task<string> PageAsync(string endUser)
        {
            using var page = await client.GetAsync(new Uri($"/my-feedback/{links.PageToken(application.Id, endUser)}", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            return await page.Content.ReadAsStringAsync(Ct);
        }

        string[] ann = ["Ann on her own answer", "Nobody named on the answer of Ann", "Ann on the answer of Bob", "Ann on an answer of no one", "Ann before her answer was stored"];
        string[] bob = ["Bob on the answer of Ann", "Bob before the answer of Ann was stored"];
        void AssertShows(string html, string[] shown, string[] hidden)
        {
            Assert.All(shown, text => Assert.Contains(text, html, StringComparison.Ordinal));
            Assert.All(hidden, text => Assert.DoesNotContain(text, html, StringComparison.Ordinal));
        }

        AssertShows(await PageAsync("ann"), ann, bob);
        AssertShows(await PageAsync("bob"), bob, ann);

        // Ann's late answer arrives: her signal is now found through it, Bob's still by his name.
        Assert.Equal("accepted", Assert.Single(await IngestionPayloads.ResultsAsync(await api.PostJsonTextAsync(IngestionPayloads.Interactions,
            IngestionPayloads.InteractionBatch(IngestionPayloads.Interaction("turn-later").With("endUserId", "ann"))))).Status);
        var unmatched = await app.QueryDbAsync(db => db.Signals.Where(s => s.EndUserUnmatched).OrderBy(s => s.ExternalId).Select(s => s.ExternalId).ToListAsync(Ct));
        Assert.Equal(["s3", "s4", "s5", "s7"], unmatched);
        AssertShows(await PageAsync("ann"), ann, bob);
        AssertShows(await PageAsync("bob"), bob, ann);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EndUserPage_SignedLink_ShowsOnlyTheirFeedback_AndUnsubscribeNeedsAClick(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var seed = new CaseSeed(app.Services);
        var application = await seed.ApplicationAsync("Acme");
        var caseId = await seed.CaseAsync(application, input: "How long is the refund window?", status: CaseStatus.Dismissed, signals:
            [CaseSeed.Signal(SignalKind.Comment, "<b>It is 30 days</b>", endUser: "ann"), CaseSeed.Signal(SignalKind.Comment, "Bob's secret remark", endUser: "bob")]);
        await seed.UpdateCaseAsync(caseId, c => c.DismissReason = "14 days is right for your plan.");
        await NotifyAsync(app, application, "ann", "We corrected the answer.");
        await NotifyAsync(app, application, "bob", "Bob's notification");
        var links = app.Services.GetRequiredService<EndUserLinks>();
        using var client = BrowserlessSignIn.AnonymousClient(app);

        using var page = await client.GetAsync(new Uri($"/my-feedback/{links.PageToken(application, "ann")}", UriKind.Relative), Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("&lt;b&gt;It is 30 days&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("14 days is right for your plan.", html, StringComparison.Ordinal);
        Assert.Contains("We corrected the answer.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Bob", html, StringComparison.Ordinal);
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());

        var token = links.PageToken(application, "ann");
        using var tampered = await client.GetAsync(new Uri($"/my-feedback/{token[..^4]}AAAA", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, tampered.StatusCode);
        Assert.Contains("This link has expired", await tampered.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var unsubscribe = $"/my-feedback/unsubscribe/{links.UnsubscribeToken(application, "ann", UnsubscribeChannel.Email)}";
        using var confirm = await client.GetAsync(new Uri(unsubscribe, UriKind.Relative), Ct);
        Assert.Contains("Unsubscribe?", await confirm.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.False(await seed.ReadAsync(db => db.EndUserPreferences.AnyAsync(Ct)));
        using var done = await client.PostAsync(new Uri(unsubscribe, UriKind.Relative), new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]), Ct);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var preference = await seed.ReadAsync(db => db.EndUserPreferences.AsNoTracking().SingleAsync(Ct));
        Assert.Equal(("ann", true, false), (preference.EndUserId, preference.EmailOptOut, preference.InAppOptOut));
    }
}
