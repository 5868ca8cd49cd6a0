using System.Net;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using Microsoft.EntityFrameworkCore;
using static FeedbackConsole.Web.Tests.Endpoints.IngestionPayloads;
using static FeedbackConsole.Web.Tests.Endpoints.KnowledgePayloads;

namespace FeedbackConsole.Web.Tests.Endpoints;

/// <summary>Who may read which knowledge base: server keys of its own application only, and only released knowledge.</summary>
public sealed class KnowledgeAccessTests
{
    private const string ChatOrigin = "https://chat.example.com";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly KnowledgeSeedEntry[] Facts = [new("Refund window", "Refunds are paid within 14 days.")];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task PublishableKey_FromItsOwnOrigin_IsForbiddenEveryKnowledgeEndpoint(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var bot = await app.CreateApplicationAsync("Support bot");
        var (publishable, _) = await app.CreateKeyAsync(bot.Id, ApiKeyKind.Publishable, [ChatOrigin]);
        var kb = await app.CreateKnowledgeBaseAsync(bot.Id, "help-centre", KnowledgeBaseKind.Facts);
        await app.CreateReleaseAsync(kb, Facts);
        using var browser = app.ApiClient(publishable, ChatOrigin);

        using var search = await browser.GetAsync(new Uri(Search("help-centre", "refund"), UriKind.Relative), Ct);
        using var examples = await browser.GetAsync(new Uri(Examples("help-centre", "refund"), UriKind.Relative), Ct);
        using var guards = await browser.PostJsonTextAsync(GuardsCheck, GuardBody("help-centre", "text"));

        foreach (var response in new[] { search, examples, guards })
        {
            await ProblemAsync(response, HttpStatusCode.Forbidden);
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnotherApplicationsKnowledgeBase_IsNotFound_LikeOneThatDoesNotExist(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var mine = await app.CreateApplicationAsync("Mine");
        var theirs = await app.CreateApplicationAsync("Theirs");
        var theirFacts = await app.CreateKnowledgeBaseAsync(theirs.Id, "help-centre", KnowledgeBaseKind.Facts);
        await app.CreateReleaseAsync(theirFacts, Facts);
        var theirGuards = await app.CreateKnowledgeBaseAsync(theirs.Id, "guards", KnowledgeBaseKind.Guards);
        await app.CreateReleaseAsync(theirGuards, [new("No guarantees", "guaranteed", GuardType: GuardRuleType.ForbiddenPhrase)]);
        using var client = app.ApiClient(mine.Key);

        using var foreign = await client.GetAsync(new Uri(Search("help-centre", "refund"), UriKind.Relative), Ct);
        using var unknown = await client.GetAsync(new Uri(Search("no-such-kb", "refund"), UriKind.Relative), Ct);
        using var foreignGuards = await client.PostJsonTextAsync(GuardsCheck, GuardBody("guards", "guaranteed"));
        using var notAKey = await client.GetAsync(new Uri(Search("Not_A_Key", "refund"), UriKind.Relative), Ct);

        var problem = await ProblemAsync(foreign, HttpStatusCode.NotFound);
        Assert.Equal("There is no knowledge base 'help-centre' in this application.", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("14 days", problem.ToString(), StringComparison.Ordinal);
        Assert.Equal("There is no knowledge base 'no-such-kb' in this application.", (await ProblemAsync(unknown, HttpStatusCode.NotFound)).GetProperty("detail").GetString());
        await ProblemAsync(foreignGuards, HttpStatusCode.NotFound);
        await ProblemAsync(notAKey, HttpStatusCode.NotFound);

        // Their own key reads it.
        using var owner = app.ApiClient(theirs.Key);
        using var own = await owner.GetAsync(new Uri(Search("help-centre", "refund"), UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task NoLiveOrShadowRelease_IsNotFound_WithAReadableReason(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var bot = await app.CreateApplicationAsync("Support bot");
        await app.CreateKnowledgeBaseAsync(bot.Id, "drafts", KnowledgeBaseKind.Facts);
        var released = await app.CreateKnowledgeBaseAsync(bot.Id, "help-centre", KnowledgeBaseKind.Facts);
        await app.CreateReleaseAsync(released, Facts);
        var candidateOnly = await app.CreateKnowledgeBaseAsync(bot.Id, "candidates", KnowledgeBaseKind.Facts);
        await app.CreateReleaseAsync(candidateOnly, Facts, ReleaseState.Candidate);
        using var client = app.ApiClient(bot.Key);

        using var noRelease = await client.GetAsync(new Uri(Search("drafts", "refund"), UriKind.Relative), Ct);
        using var onlyCandidate = await client.GetAsync(new Uri(Search("candidates", "refund"), UriKind.Relative), Ct);
        using var noShadow = await client.GetAsync(new Uri(Search("help-centre", "refund") + "&release=shadow", UriKind.Relative), Ct);

        Assert.StartsWith("Knowledge base 'drafts' has no live release yet", (await ProblemAsync(noRelease, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Knowledge base 'candidates' has no live release yet", (await ProblemAsync(onlyCandidate, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Knowledge base 'help-centre' has no shadow release", (await ProblemAsync(noShadow, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ArchivedKnowledgeBase_IsNotFound(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var bot = await app.CreateApplicationAsync("Support bot");
        var kb = await app.CreateKnowledgeBaseAsync(bot.Id, "old-help", KnowledgeBaseKind.Facts);
        await app.CreateReleaseAsync(kb, Facts);
        await app.WithDbAsync(db => db.KnowledgeBases.Where(k => k.Id == kb).ExecuteUpdateAsync(s => s.SetProperty(k => k.ArchivedAt, DateTimeOffset.UtcNow), Ct));
        using var client = app.ApiClient(bot.Key);

        using var response = await client.GetAsync(new Uri(Search("old-help", "refund"), UriKind.Relative), Ct);

        await ProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WrongKindOfKnowledgeBase_IsABadRequest_NamingTheRightEndpoint(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var bot = await app.CreateApplicationAsync("Support bot");
        var facts = await app.CreateKnowledgeBaseAsync(bot.Id, "help-centre", KnowledgeBaseKind.Facts);
        await app.CreateReleaseAsync(facts, Facts);
        var examples = await app.CreateKnowledgeBaseAsync(bot.Id, "few-shot", KnowledgeBaseKind.Examples);
        await app.CreateReleaseAsync(examples, [new("Refund", "14 days.", Input: "When is my refund paid?")]);
        using var client = app.ApiClient(bot.Key);

        using var searchExamples = await client.GetAsync(new Uri(Search("few-shot", "refund"), UriKind.Relative), Ct);
        using var examplesOfFacts = await client.GetAsync(new Uri(Examples("help-centre", "refund"), UriKind.Relative), Ct);
        using var guardFacts = await client.PostJsonTextAsync(GuardsCheck, GuardBody("help-centre", "text"));

        var problem = await ProblemAsync(searchExamples, HttpStatusCode.BadRequest);
        Assert.Contains("/api/v1/knowledge-bases/few-shot/examples", problem.GetProperty("errors").GetProperty("kb")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("/api/v1/knowledge-bases/help-centre/search", (await ProblemAsync(examplesOfFacts, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("holds facts", (await ProblemAsync(guardFacts, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("knowledgeBase")[0].GetString(), StringComparison.Ordinal);
    }
}
