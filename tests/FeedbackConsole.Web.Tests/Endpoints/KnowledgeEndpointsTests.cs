using System.Net;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases.Runtime;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static FeedbackConsole.Web.Tests.Endpoints.KnowledgePayloads;

namespace FeedbackConsole.Web.Tests.Endpoints;

/// <summary>The run-time knowledge API answering from live and shadow releases (API.md, "Knowledge for the app at run time").</summary>
public sealed class KnowledgeEndpointsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly KnowledgeSeedEntry[] HelpCentre =
    [
        new("Refund window", "Refunds are paid within 30 days of the return arriving at our warehouse."),
        new("Password reset", "Reset your password from Settings, then Security, then Reset password."),
        new("Delivery times", "Standard delivery takes 3 to 5 working days; express delivery arrives the next day."),
        new("Returns", "Return an item within 30 days for a refund; print the return label from your orders page."),
    ];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Search_ServesTheLiveRelease_BestFirst_WithItsVersionAndRevisions(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var bot = await app.CreateApplicationAsync("Support bot");
        var kb = await app.CreateKnowledgeBaseAsync(bot.Id, "help-centre", KnowledgeBaseKind.Facts);
        var first = await app.CreateReleaseAsync(kb, HelpCentre);
        // Release 2 revises the refund window (a correction went live); its other entries are new (revision 1).
        var second = await app.CreateReleaseAsync(kb,
            [new("Refund window", "Refunds are paid within 14 days of the return arriving at our warehouse."), .. HelpCentre[1..]],
            revise: [first.EntryIds[0]]);
        using var client = app.ApiClient(bot.Key);

        using var response = await client.GetAsync(new Uri(Search("help-centre", "how many days until my refund is paid") + "&k=2", UriKind.Relative), Ct);

        var body = await OkJsonAsync(response);
        Assert.Equal(2, body.GetProperty("release").GetProperty("version").GetInt32());
        Assert.Equal("live", body.GetProperty("release").GetProperty("state").GetString());
        var entries = body.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal(second.EntryIds[0], entries[0].GetProperty("id").GetGuid());
        Assert.Equal("Refund window", entries[0].GetProperty("title").GetString());
        Assert.Contains("14 days", entries[0].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, entries[0].GetProperty("revision").GetInt32());
        Assert.Equal(second.EntryIds[3], entries[1].GetProperty("id").GetGuid()); // "Returns": refund, days
        Assert.Equal(1, entries[1].GetProperty("revision").GetInt32());
        var scores = entries.Select(e => e.GetProperty("score").GetDouble()).ToList();
        Assert.True(scores[0] > scores[1] && scores[1] > 0 && scores[0] < 1, string.Join(", ", scores));
        Assert.Equal(["id", "title", "content", "score", "revision"], entries[0].EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Search_DefaultsToFive_AndFindsNothingForWordsNoEntryHas(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var bot = await app.CreateApplicationAsync("Support bot");
        var kb = await app.CreateKnowledgeBaseAsync(bot.Id, "help-centre", KnowledgeBaseKind.Facts);
        await app.CreateReleaseAsync(kb, [.. Enumerable.Range(1, 8).Select(i => new KnowledgeSeedEntry($"Store {i}", $"Store number {i} opens at nine."))]);
        using var client = app.ApiClient(bot.Key);

        using var many = await client.GetAsync(new Uri(Search("help-centre", "store opens"), UriKind.Relative), Ct);
        using var none = await client.GetAsync(new Uri(Search("help-centre", "zeppelin"), UriKind.Relative), Ct);

        Assert.Equal(5, (await OkJsonAsync(many)).GetProperty("entries").GetArrayLength());
        Assert.Equal(0, (await OkJsonAsync(none)).GetProperty("entries").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Search_ShadowRelease_AnswersFromTheShadow_LiveStaysTheDefault(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var bot = await app.CreateApplicationAsync("Support bot");
        var kb = await app.CreateKnowledgeBaseAsync(bot.Id, "help-centre", KnowledgeBaseKind.Facts);
        var live = await app.CreateReleaseAsync(kb, HelpCentre);
        await app.CreateReleaseAsync(kb, [new("Refund window", "Refunds are paid within 14 days.")], ReleaseState.Shadow, revise: live.EntryIds);
        using var client = app.ApiClient(bot.Key);

        using var shadow = await client.GetAsync(new Uri(Search("help-centre", "refund days") + "&release=shadow&k=1", UriKind.Relative), Ct);
        using var defaulted = await client.GetAsync(new Uri(Search("help-centre", "refund days") + "&k=1", UriKind.Relative), Ct);

        var fromShadow = await OkJsonAsync(shadow);
        Assert.Equal(2, fromShadow.GetProperty("release").GetProperty("version").GetInt32());
        Assert.Equal("shadow", fromShadow.GetProperty("release").GetProperty("state").GetString());
        Assert.Contains("14 days", fromShadow.GetProperty("entries")[0].GetProperty("content").GetString(), StringComparison.Ordinal);
        var fromLive = await OkJsonAsync(defaulted);
        Assert.Equal(1, fromLive.GetProperty("release").GetProperty("version").GetInt32());
        Assert.Equal("live", fromLive.GetProperty("release").GetProperty("state").GetString());
        Assert.Contains("30 days", fromLive.GetProperty("entries")[0].GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Examples_MatchTheInput_OnlyOfTheTaskTypeAsked(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var bot = await app.CreateApplicationAsync("Support bot");
        var kb = await app.CreateKnowledgeBaseAsync(bot.Id, "few-shot", KnowledgeBaseKind.Examples);
        var release = await app.CreateReleaseAsync(kb,
        [
            new("Refund, summary", "Refund issued; 14 days.", Input: "Customer asks when the refund for a returned order arrives", TaskType: "summarize"),
            new("Refund, reply", "Your refund arrives within 14 days of us receiving the return.", Input: "When will my refund arrive for the returned order?", TaskType: "reply"),
            new("Password, reply", "Open Settings, then Security.", Input: "How do I reset my password?", TaskType: "reply"),
        ]);
        using var client = app.ApiClient(bot.Key);

        using var replies = await client.GetAsync(new Uri(Examples("few-shot", "when does my refund arrive") + "&taskType=REPLY", UriKind.Relative), Ct);
        using var any = await client.GetAsync(new Uri(Examples("few-shot", "refund returned order"), UriKind.Relative), Ct);
        using var otherType = await client.GetAsync(new Uri(Examples("few-shot", "refund") + "&taskType=translate", UriKind.Relative), Ct);

        var body = await OkJsonAsync(replies);
        Assert.Equal(1, body.GetProperty("release").GetProperty("version").GetInt32());
        var examples = body.GetProperty("examples").EnumerateArray().ToList();
        Assert.Equal(release.EntryIds[1], examples[0].GetProperty("id").GetGuid());
        Assert.Equal("When will my refund arrive for the returned order?", examples[0].GetProperty("input").GetString());
        Assert.Equal("Your refund arrives within 14 days of us receiving the return.", examples[0].GetProperty("output").GetString());
        Assert.DoesNotContain(examples, e => e.GetProperty("id").GetGuid() == release.EntryIds[0]);
        Assert.Equal(["id", "input", "output", "score"], examples[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, (await OkJsonAsync(any)).GetProperty("examples").GetArrayLength());
        Assert.Equal(0, (await OkJsonAsync(otherType)).GetProperty("examples").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task GuardCheck_ListsEachBrokenRule_AndPassesACleanOutput(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var bot = await app.CreateApplicationAsync("Support bot");
        var kb = await app.CreateKnowledgeBaseAsync(bot.Id, "guards", KnowledgeBaseKind.Guards);
        var release = await app.CreateReleaseAsync(kb,
        [
            new("No guarantees", "refund guaranteed", GuardType: GuardRuleType.ForbiddenPhrase, GuardMessage: "Never promise a refund."),
            new("No card numbers", @"\b\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}\b", GuardType: GuardRuleType.ForbiddenPattern, GuardMessage: "Never echo a card number."),
            new("Legal disclaimer", "this is not legal advice", TaskType: "legal", GuardType: GuardRuleType.RequiredDisclaimer, GuardMessage: "Legal answers need the disclaimer."),
        ]);
        using var client = app.ApiClient(bot.Key);

        using var broken = await client.PostJsonTextAsync(GuardsCheck, GuardBody("guards", "Refund GUARANTEED! Your card 4111 1111 1111 1111 is on file.", "legal"));
        using var clean = await client.PostJsonTextAsync(GuardsCheck, GuardBody("guards", "We will look into your refund request."));
        using var legal = await client.PostJsonTextAsync(GuardsCheck, GuardBody("guards", "You may cancel within 14 days. This is not legal advice.", "Legal"));

        var body = await OkJsonAsync(broken);
        Assert.Equal(1, body.GetProperty("release").GetProperty("version").GetInt32());
        Assert.Equal("live", body.GetProperty("release").GetProperty("state").GetString());
        Assert.False(body.GetProperty("passed").GetBoolean());
        var violations = body.GetProperty("violations").EnumerateArray()
            .Select(v => (v.GetProperty("ruleId").GetGuid(), v.GetProperty("message").GetString()!))
            .OrderBy(v => v.Item2, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(
            new[] { (release.EntryIds[2], "Legal answers need the disclaimer."), (release.EntryIds[1], "Never echo a card number."), (release.EntryIds[0], "Never promise a refund.") },
            violations);
        var passed = await OkJsonAsync(clean);
        Assert.True(passed.GetProperty("passed").GetBoolean());
        Assert.Equal(0, passed.GetProperty("violations").GetArrayLength());
        Assert.True((await OkJsonAsync(legal)).GetProperty("passed").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Search_CountsServedEntries_IntoTheHourlyTallies(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var bot = await app.CreateApplicationAsync("Support bot");
        var kb = await app.CreateKnowledgeBaseAsync(bot.Id, "help-centre", KnowledgeBaseKind.Facts);
        var release = await app.CreateReleaseAsync(kb, HelpCentre);
        using var client = app.ApiClient(bot.Key);

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync(new Uri(Search("help-centre", "password") + $"&interactionId=turn-{i}", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var both = await client.GetAsync(new Uri(Search("help-centre", "password delivery"), UriKind.Relative), Ct))
        {
            Assert.Equal(2, (await OkJsonAsync(both)).GetProperty("entries").GetArrayLength());
        }

        // The background flush may already have written some; this writes the rest.
        await app.Services.GetRequiredService<ServingTallies>().FlushAsync(Ct);
        var tallies = await app.QueryDbAsync(db => db.EntryServingTallies.AsNoTracking()
            .GroupBy(t => t.EntryId).Select(g => new { EntryId = g.Key, Count = g.Sum(t => t.Count) }).ToListAsync(Ct));
        Assert.Equal(4, tallies.Single(t => t.EntryId == release.EntryIds[1]).Count);
        Assert.Equal(1, tallies.Single(t => t.EntryId == release.EntryIds[2]).Count);
        Assert.Equal(2, tallies.Count);
        var row = await app.QueryDbAsync(db => db.EntryServingTallies.AsNoTracking().FirstAsync(t => t.EntryId == release.EntryIds[1], Ct));
        Assert.Equal((release.Id, kb, bot.Id), (row.ReleaseId, row.KnowledgeBaseId, row.ApplicationId));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Search_AfterANewLiveRelease_ServesItOnceTheLookupLifetimeHasPassed(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database, settings: new Dictionary<string, string?>
        {
            ["KnowledgeRuntime:ReleaseLookupLifetime"] = "00:00:00.200",
        });
        var bot = await app.CreateApplicationAsync("Support bot");
        var kb = await app.CreateKnowledgeBaseAsync(bot.Id, "help-centre", KnowledgeBaseKind.Facts);
        var first = await app.CreateReleaseAsync(kb, HelpCentre);
        using var client = app.ApiClient(bot.Key);
        Assert.Equal(1, await VersionAsync());

        await app.CreateReleaseAsync(kb, [new("Refund window", "Refunds are paid within 14 days.")], revise: first.EntryIds, invalidate: false);

        // Documented staleness: the lookup lifetime plus the new index's build; the previous release answers meanwhile.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var versions = new List<int>();
        while (DateTime.UtcNow < deadline && (versions.Count == 0 || versions[^1] != 2))
        {
            versions.Add(await VersionAsync());
            await Task.Delay(50, Ct);
        }

        Assert.Equal(2, versions[^1]);
        Assert.All(versions, v => Assert.InRange(v, 1, 2));

        async Task<int> VersionAsync()
        {
            using var response = await client.GetAsync(new Uri(Search("help-centre", "refund"), UriKind.Relative), Ct);
            return (await OkJsonAsync(response)).GetProperty("release").GetProperty("version").GetInt32();
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Start_WithWarmOnStart_BuildsTheLiveReleaseIndexBeforeAnyRequest(bool warm)
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        SeededKnowledgeRelease live;
        await using (var before = new ConsoleAppFactory(database))
        {
            var bot = await before.CreateApplicationAsync("Support bot");
            var kb = await before.CreateKnowledgeBaseAsync(bot.Id, "help-centre", KnowledgeBaseKind.Facts);
            live = await before.CreateReleaseAsync(kb, HelpCentre);
        }

        // A restart: a new host on the same database, not asked anything yet.
        await using var app = new ConsoleAppFactory(database, settings: new Dictionary<string, string?>
        {
            ["KnowledgeRuntime:WarmOnStart"] = warm ? "true" : "false",
        });
        var cache = app.Services.GetRequiredService<ReleaseIndexCache>();
        var deadline = DateTime.UtcNow.AddSeconds(warm ? 10 : 2);
        while (DateTime.UtcNow < deadline && !cache.HeldReleaseIds.Contains(live.Id))
        {
            await Task.Delay(50, Ct);
        }

        Assert.Equal(warm, cache.HeldReleaseIds.Contains(live.Id));
        Assert.Equal(warm ? 1 : 0, cache.BuildCount);
    }
}
