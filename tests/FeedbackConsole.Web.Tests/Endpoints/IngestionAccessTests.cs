using System.Net;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using Microsoft.EntityFrameworkCore;
using static FeedbackConsole.Web.Tests.Endpoints.IngestionPayloads;

namespace FeedbackConsole.Web.Tests.Endpoints;

/// <summary>Publishable keys from browsers (origins, CORS) and per-key rate limiting.</summary>
public sealed class IngestionAccessTests
{
    private const string ChatOrigin = "https://chat.example.com";
    private const string OtherOrigin = "https://evil.example.net";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task PublishableKey_FromAListedOrigin_SendsSignalsOnly(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var widget = await app.CreateApplicationAsync("Chat widget", ApiKeyKind.Publishable, [ChatOrigin]);
        using var browser = app.ApiClient(widget.Key, ChatOrigin);
        using var elsewhere = app.ApiClient(widget.Key, OtherOrigin);

        using var signals = await browser.PostJsonTextAsync(Signals, SignalBatch(Signal("s-1", "turn-1", "copy")));
        using var interactions = await browser.PostJsonTextAsync(Interactions, InteractionBatch(Interaction("turn-1")));
        using var foreign = await elsewhere.PostJsonTextAsync(Signals, SignalBatch(Signal("s-2", "turn-1", "copy")));

        Assert.Equal("accepted", (await ResultsAsync(signals)).Single().Status);
        Assert.Equal(ChatOrigin, Assert.Single(signals.Headers.GetValues("Access-Control-Allow-Origin")));
        await ProblemAsync(interactions, HttpStatusCode.Forbidden);
        await ProblemAsync(foreign, HttpStatusCode.Unauthorized);
        Assert.False(foreign.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(["s-1"], await app.QueryDbAsync(db => db.Signals.Select(s => s.ExternalId).ToListAsync(Cancel)));
        Assert.Equal(0, await app.QueryDbAsync(db => db.Interactions.CountAsync(Cancel)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Preflight_ToSignals_IsAllowedOnlyForOriginsOfActivePublishableKeys(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        await app.CreateApplicationAsync("Chat widget", ApiKeyKind.Publishable, [ChatOrigin]);
        var revoked = await app.CreateApplicationAsync("Old widget", ApiKeyKind.Publishable, ["https://old.example.com"]);
        await app.RevokeKeyAsync(revoked.Key);
        using var client = app.ApiClient(key: null);

        using var listed = await PreflightAsync(client, Signals, ChatOrigin);
        using var unlisted = await PreflightAsync(client, Signals, OtherOrigin);
        using var fromRevoked = await PreflightAsync(client, Signals, "https://old.example.com");
        using var toInteractions = await PreflightAsync(client, Interactions, ChatOrigin);

        Assert.Equal(HttpStatusCode.NoContent, listed.StatusCode);
        Assert.Equal(ChatOrigin, Assert.Single(listed.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("POST", listed.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        var headers = listed.Headers.GetValues("Access-Control-Allow-Headers").Single().ToUpperInvariant();
        Assert.Contains("AUTHORIZATION", headers, StringComparison.Ordinal);
        Assert.Contains("CONTENT-TYPE", headers, StringComparison.Ordinal);
        Assert.False(listed.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.False(unlisted.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(fromRevoked.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(toInteractions.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RateLimit_KeyOverItsBucket_Gets429WithRetryAfter_OtherKeysDoNot(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database, settings: new Dictionary<string, string?>
        {
            ["Ingestion:PermitsPerSecond"] = "1",
            ["Ingestion:Burst"] = "2",
        });
        var busy = await app.CreateApplicationAsync("Busy bot");
        var quiet = await app.CreateApplicationAsync("Quiet bot");
        using var busyClient = app.ApiClient(busy.Key);
        using var quietClient = app.ApiClient(quiet.Key);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 5 && limited is null; i++)
        {
            var response = await busyClient.PostJsonTextAsync(Signals, SignalBatch(Signal($"s-{i}", "turn-1")));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        using var quietResponse = await quietClient.PostJsonTextAsync(Signals, SignalBatch(Signal("s-0", "turn-1")));

        Assert.True(limited is not null, "No 429 after 5 quick requests: " + string.Join(", ", statuses));
        using (limited)
        {
            await ProblemAsync(limited, HttpStatusCode.TooManyRequests);
            var retryAfter = int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, 1, 60);
        }

        Assert.Equal(HttpStatusCode.MultiStatus, quietResponse.StatusCode);
        // What was refused was not stored: the busy key has exactly its accepted signals.
        var accepted = statuses.Count(s => s == HttpStatusCode.MultiStatus);
        Assert.Equal(accepted, await app.QueryDbAsync(db => db.Signals.CountAsync(s => s.ApplicationId == busy.Id, Cancel)));
    }

    private static async Task<HttpResponseMessage> PreflightAsync(HttpClient client, string path, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(path, UriKind.Relative));
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return await client.SendAsync(request, Cancel);
    }
}
