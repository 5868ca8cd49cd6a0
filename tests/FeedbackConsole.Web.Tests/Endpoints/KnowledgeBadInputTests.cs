using System.Net;
using System.Text;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using static FeedbackConsole.Web.Tests.Endpoints.IngestionPayloads;
using static FeedbackConsole.Web.Tests.Endpoints.KnowledgePayloads;

namespace FeedbackConsole.Web.Tests.Endpoints;

/// <summary>
/// Bad input to the run-time knowledge API: each case gets a 4xx with problem details naming the field (never a 5xx,
/// never a silently ignored parameter).
/// </summary>
public sealed class KnowledgeBadInputTests(KnowledgeBadInputTests.Hosts hosts) : IClassFixture<KnowledgeBadInputTests.Hosts>
{
    private const string SearchPath = "/api/v1/knowledge-bases/help-centre/search";
    private const string ExamplesPath = "/api/v1/knowledge-bases/few-shot/examples";

    /// <summary>A bad GET (path and query) or POST (body), the status it must get and the error key the answer must name.</summary>
    public sealed record BadCase(string Path, HttpStatusCode Status, string? ErrorKey, string? Body = null, string? ContentType = "application/json");

    private static readonly string TooLongQuery = new('a', 4097);

    public static readonly Dictionary<string, BadCase> Cases = new()
    {
        ["q missing"] = new(SearchPath + "?k=3", HttpStatusCode.BadRequest, "q"),
        ["q blank"] = new(SearchPath + "?q=%20%20", HttpStatusCode.BadRequest, "q"),
        ["q over 4 KiB"] = new(SearchPath + "?q=" + TooLongQuery, HttpStatusCode.BadRequest, "q"),
        ["q over 4 KiB of UTF-8"] = new(SearchPath + "?q=" + Uri.EscapeDataString(new string('é', 2049)), HttpStatusCode.BadRequest, "q"),
        ["q twice"] = new(SearchPath + "?q=refund&q=delivery", HttpStatusCode.BadRequest, "q"),
        ["k zero"] = new(SearchPath + "?q=refund&k=0", HttpStatusCode.BadRequest, "k"),
        ["k 51"] = new(SearchPath + "?q=refund&k=51", HttpStatusCode.BadRequest, "k"),
        ["k not a number"] = new(SearchPath + "?q=refund&k=five", HttpStatusCode.BadRequest, "k"),
        ["k fraction"] = new(SearchPath + "?q=refund&k=5.0", HttpStatusCode.BadRequest, "k"),
        ["k signed"] = new(SearchPath + "?q=refund&k=%2B5", HttpStatusCode.BadRequest, "k"),
        ["k empty"] = new(SearchPath + "?q=refund&k=", HttpStatusCode.BadRequest, "k"),
        ["k huge"] = new(SearchPath + "?q=refund&k=99999999999999999999", HttpStatusCode.BadRequest, "k"),
        ["release unknown"] = new(SearchPath + "?q=refund&release=staging", HttpStatusCode.BadRequest, "release"),
        ["release upper case"] = new(SearchPath + "?q=refund&release=LIVE", HttpStatusCode.BadRequest, "release"),
        ["unknown parameter"] = new(SearchPath + "?q=refund&top_k=3", HttpStatusCode.BadRequest, "top_k"),
        ["interactionId too long"] = new(SearchPath + "?q=refund&interactionId=" + new string('x', 201), HttpStatusCode.BadRequest, "interactionId"),
        ["interactionId control character"] = new(SearchPath + "?q=refund&interactionId=a%07b", HttpStatusCode.BadRequest, "interactionId"),
        ["examples taskType too long"] = new(ExamplesPath + "?q=refund&taskType=" + new string('t', 101), HttpStatusCode.BadRequest, "taskType"),
        ["examples q missing"] = new(ExamplesPath + "?taskType=reply", HttpStatusCode.BadRequest, "q"),
        ["guards not JSON"] = new(GuardsCheck, HttpStatusCode.BadRequest, "$", "{\"knowledgeBase\": "),
        ["guards an array"] = new(GuardsCheck, HttpStatusCode.BadRequest, "$", "[]"),
        ["guards unknown property"] = new(GuardsCheck, HttpStatusCode.BadRequest, "severity", "{\"knowledgeBase\":\"guards\",\"output\":\"x\",\"severity\":1}"),
        ["guards duplicate property"] = new(GuardsCheck, HttpStatusCode.BadRequest, "$", "{\"knowledgeBase\":\"guards\",\"output\":\"x\",\"output\":\"y\"}"),
        ["guards output missing"] = new(GuardsCheck, HttpStatusCode.BadRequest, "output", "{\"knowledgeBase\":\"guards\"}"),
        ["guards output a number"] = new(GuardsCheck, HttpStatusCode.BadRequest, "output", "{\"knowledgeBase\":\"guards\",\"output\":42}"),
        ["guards output over 32 KiB"] = new(GuardsCheck, HttpStatusCode.BadRequest, "output", GuardBody("guards", new string('o', 32 * 1024 + 1))),
        ["guards knowledgeBase missing"] = new(GuardsCheck, HttpStatusCode.BadRequest, "knowledgeBase", "{\"output\":\"x\"}"),
        ["guards release unknown"] = new(GuardsCheck, HttpStatusCode.BadRequest, "release", GuardBody("guards", "x", release: "canary")),
        ["guards taskType blank"] = new(GuardsCheck, HttpStatusCode.BadRequest, "taskType", GuardBody("guards", "x", taskType: " ")),
        ["guards wrong content type"] = new(GuardsCheck, HttpStatusCode.UnsupportedMediaType, null, GuardBody("guards", "x"), "text/plain"),
        ["guards body over 1 MiB"] = new(GuardsCheck, HttpStatusCode.RequestEntityTooLarge, null, GuardBody("guards", new string('o', 1024 * 1024 + 1))),
    };

    public static TheoryData<string, string> CaseNames()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in Cases.Keys)
        {
            data.Add(TestDatabase.Sqlite, name);
            data.Add(TestDatabase.Postgres, name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task BadInput_GetsProblemDetails_NamingTheField(string provider, string name)
    {
        var app = await hosts.ForAsync(provider);
        var bad = Cases[name];
        using var client = app.ApiClient(app.Key);

        HttpResponseMessage response;
        if (bad.Body is null)
        {
            response = await client.GetAsync(new Uri(bad.Path, UriKind.Relative), TestContext.Current.CancellationToken);
        }
        else
        {
            response = await client.PostRawAsync(bad.Path, Encoding.UTF8.GetBytes(bad.Body), bad.ContentType);
        }

        using (response)
        {
            var problem = await ProblemAsync(response, bad.Status);
            if (bad.ErrorKey is not null)
            {
                Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(bad.ErrorKey, out _), $"errors should name {bad.ErrorKey}: {problem}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WellFormedRequests_OnTheSameHost_Succeed(string provider)
    {
        // The bad cases above differ from these only in the part they break.
        var app = await hosts.ForAsync(provider);
        using var client = app.ApiClient(app.Key);
        var ct = TestContext.Current.CancellationToken;

        using var search = await client.GetAsync(new Uri(SearchPath + "?q=refund&k=50&release=live&interactionId=turn-1", UriKind.Relative), ct);
        using var examples = await client.GetAsync(new Uri(ExamplesPath + "?q=refund&taskType=reply&k=1", UriKind.Relative), ct);
        using var guards = await client.PostJsonTextAsync(GuardsCheck, GuardBody("guards", new string('o', 32 * 1024), taskType: "reply", release: "live"));

        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        Assert.Equal(HttpStatusCode.OK, examples.StatusCode);
        Assert.Equal(HttpStatusCode.OK, guards.StatusCode);
    }

    public sealed class Hosts : IAsyncDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly Dictionary<string, (TestDatabase Database, ConsoleAppFactory App, string Key)> _hosts = [];

        public async Task<KnowledgeHost> ForAsync(string provider)
        {
            await _gate.WaitAsync();
            try
            {
                if (!_hosts.TryGetValue(provider, out var host))
                {
                    var database = await TestDatabase.CreateAsync(provider);
                    var app = new ConsoleAppFactory(database);
                    var bot = await app.CreateApplicationAsync("Bad input bot");
                    var facts = await app.CreateKnowledgeBaseAsync(bot.Id, "help-centre", KnowledgeBaseKind.Facts);
                    await app.CreateReleaseAsync(facts, [new("Refund window", "Refunds are paid within 14 days.")]);
                    var examples = await app.CreateKnowledgeBaseAsync(bot.Id, "few-shot", KnowledgeBaseKind.Examples);
                    await app.CreateReleaseAsync(examples, [new("Refund", "14 days.", Input: "When is my refund paid?", TaskType: "reply")]);
                    var guards = await app.CreateKnowledgeBaseAsync(bot.Id, "guards", KnowledgeBaseKind.Guards);
                    await app.CreateReleaseAsync(guards, [new("No guarantees", "guaranteed", GuardType: GuardRuleType.ForbiddenPhrase)]);
                    host = (database, app, bot.Key);
                    _hosts[provider] = host;
                }

                return new KnowledgeHost(host.App, host.Key);
            }
            finally
            {
                _gate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var host in _hosts.Values)
            {
                await host.App.DisposeAsync();
                await host.Database.DisposeAsync();
            }

            _gate.Dispose();
        }
    }

    public sealed record KnowledgeHost(ConsoleAppFactory App, string Key)
    {
        public HttpClient ApiClient(string key) => App.ApiClient(key);
    }
}
