using System.Net;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using Microsoft.EntityFrameworkCore;
using static FeedbackConsole.Web.Tests.Endpoints.IngestionPayloads;

namespace FeedbackConsole.Web.Tests.Endpoints;

public sealed class IngestionEndpointsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Signals_ValidBatch_AcceptsAndStoresEachKind(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var application = await app.CreateApplicationAsync("Support bot");
        using var client = app.ApiClient(application.Key);

        using var response = await client.PostJsonTextAsync(Signals, SignalBatch(
            Signal("s-thumb", "turn-1", "thumb", "up"),
            Signal("s-rating", "turn-1", "rating", 2).With("dimension", "accuracy"),
            Signal("s-dwell", "turn-1", "dwell", 86_400_000),
            Signal("s-flag", "turn-1", "flag").With("flag", "compliance").With("text", "Quotes a contract clause."),
            Signal("s-correction", "turn-1", "correction").With("text", "Open Settings > Security.").With("endUserId", "user-1"),
            Signal("s-rejection", "turn-1", "rejection"),
            Signal("s-copy", "turn-1", "copy").With("metadata", new { selection = new { start = 0, end = 12 } })));

        var results = await ResultsAsync(response);
        Assert.Equal(["s-thumb", "s-rating", "s-dwell", "s-flag", "s-correction", "s-rejection", "s-copy"], results.Select(r => r.Id));
        Assert.All(results, r => Assert.Equal("accepted", r.Status));
        Assert.All(results, r => Assert.Null(r.Error));

        var stored = await app.QueryDbAsync(db => db.Signals.AsNoTracking().OrderBy(s => s.Id).ToListAsync(Cancel));
        Assert.Equal(7, stored.Count);
        Assert.All(stored, s => Assert.Equal(application.Id, s.ApplicationId));
        Assert.All(stored, s => Assert.Equal("turn-1", s.InteractionExternalId));
        Assert.All(stored, s => Assert.Null(s.InteractionId));
        Assert.All(stored, s => Assert.Equal(new DateTimeOffset(2025, 3, 1, 8, 31, 0, TimeSpan.Zero), s.OccurredAt));
        Assert.All(stored, s => Assert.Equal(64, s.ContentHash.Length));
        Assert.True(stored[0].ThumbUp);
        Assert.Equal((2, "accuracy"), (stored[1].Rating!.Value, stored[1].Dimension));
        Assert.Equal(86_400_000, stored[2].DwellMilliseconds);
        Assert.Equal((FlagCategory.Compliance, "Quotes a contract clause."), (stored[3].Flag!.Value, stored[3].Text));
        Assert.Equal(("Open Settings > Security.", "user-1"), (stored[4].Text, stored[4].EndUserId));
        Assert.Equal(SignalKind.Rejection, stored[5].Kind);
        Assert.Null(stored[5].Text);
        Assert.Equal("""{"selection":{"end":12,"start":0}}""", stored[6].Metadata);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Interactions_ValidBatch_AcceptsAndStoresEveryField(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var application = await app.CreateApplicationAsync("Support bot");
        using var client = app.ApiClient(application.Key);
        var full = Interaction("turn-1")
            .With("endUserEmail", "ann@example.com")
            .With("userRole", "customer").With("taskType", "billing").With("channel", "web").With("locale", "de-CH")
            .With("appVersion", "4.2.0").With("modelVersion", "gpt-x-2025-01").With("promptVersion", "p17")
            .With("kbRelease", new { knowledgeBase = "help-center", version = 12 })
            .With("usedEntryIds", new[] { "kb-1", "kb-7" })
            .With("occurredAt", "2025-03-01T09:30:00.123456789+01:00")
            .With("metadata", new { tenant = "acme", tags = new[] { "a", "b" }, score = 0.5 });

        using var response = await client.PostJsonTextAsync(Interactions, InteractionBatch(full, Interaction("turn-2")));

        var results = await ResultsAsync(response);
        Assert.Equal([("turn-1", "accepted"), ("turn-2", "accepted")], results.Select(r => (r.Id, r.Status)));
        var stored = await app.QueryDbAsync(db => db.Interactions.AsNoTracking().OrderBy(i => i.Id).ToListAsync(Cancel));
        Assert.Equal(2, stored.Count);
        var turn = stored[0];
        Assert.Equal(("turn-1", "conv-turn-1", "user-1", "ann@example.com"), (turn.ExternalId, turn.ConversationId, turn.EndUserId, turn.EndUserEmail));
        Assert.Equal(("customer", "billing", "web", "de-CH", "4.2.0"), (turn.UserRole, turn.TaskType, turn.Channel, turn.Locale, turn.AppVersion));
        Assert.Equal(("How do I reset my password?", "Open Settings."), (turn.Input, turn.Output));
        Assert.Equal(("gpt-x-2025-01", "p17", "help-center", 12), (turn.ModelVersion, turn.PromptVersion, turn.KnowledgeBase, turn.KnowledgeBaseVersion!.Value));
        Assert.Equal(["kb-1", "kb-7"], turn.UsedEntryIds);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 8, 30, 0, TimeSpan.Zero).AddMilliseconds(123), turn.OccurredAt);
        Assert.Equal("""{"score":0.5,"tags":["a","b"],"tenant":"acme"}""", turn.Metadata);
        Assert.Equal(0, turn.RedactionCount);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Signals_RetriedWithSameContent_AreDuplicates_AndWithOtherContent_AreConflicts(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var application = await app.CreateApplicationAsync("Support bot");
        using var client = app.ApiClient(application.Key);
        var original = Signal("s-1", "turn-1", "comment").With("text", "Wrong answer.");

        using var first = await client.PostJsonTextAsync(Signals, SignalBatch(original));
        // The same content written differently (other offset for the same instant, other key order) is the same signal.
        using var retry = await client.PostJsonTextAsync(Signals,
            """{"signals":[{"text":"Wrong answer.","occurredAt":"2025-03-01T08:31:00Z","kind":"comment","interactionId":"turn-1","id":"s-1"}]}""");
        using var changed = await client.PostJsonTextAsync(Signals, SignalBatch(original.With("text", "Actually fine.")));

        Assert.Equal("accepted", (await ResultsAsync(first)).Single().Status);
        Assert.Equal("duplicate", (await ResultsAsync(retry)).Single().Status);
        var conflict = (await ResultsAsync(changed)).Single();
        Assert.Equal(("s-1", "rejected"), (conflict.Id, conflict.Status));
        Assert.Equal(409, conflict.Error!.Value.GetProperty("status").GetInt32());
        Assert.Contains("rfc9110#section-15.5.10", conflict.Error.Value.GetProperty("type").GetString(), StringComparison.Ordinal);
        var stored = await app.QueryDbAsync(db => db.Signals.AsNoTracking().ToListAsync(Cancel));
        Assert.Equal("Wrong answer.", Assert.Single(stored).Text);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Interactions_SentAgain_UpdateOnlyMutableFields_AndRefuseChangesToTheRest(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var application = await app.CreateApplicationAsync("Support bot");
        using var client = app.ApiClient(application.Key);
        var original = Interaction("turn-1", output: "Open Sett");

        using var first = await client.PostJsonTextAsync(Interactions, InteractionBatch(original));
        using var same = await client.PostJsonTextAsync(Interactions, InteractionBatch(original));
        using var finished = await client.PostJsonTextAsync(Interactions, InteractionBatch(
            original.With("output", "Open Settings, then Security.").With("usedEntryIds", new[] { "kb-3" }).With("metadata", new { streamed = true })));
        using var rewritten = await client.PostJsonTextAsync(Interactions, InteractionBatch(
            original.With("input", "Something else entirely").With("output", "Open Settings, then Security.")));

        Assert.Equal("accepted", (await ResultsAsync(first)).Single().Status);
        Assert.Equal("duplicate", (await ResultsAsync(same)).Single().Status);
        Assert.Equal("accepted", (await ResultsAsync(finished)).Single().Status);
        var conflict = (await ResultsAsync(rewritten)).Single();
        Assert.Equal(("rejected", 409), (conflict.Status, conflict.Error!.Value.GetProperty("status").GetInt32()));

        var stored = Assert.Single(await app.QueryDbAsync(db => db.Interactions.AsNoTracking().ToListAsync(Cancel)));
        Assert.Equal(("How do I reset my password?", "Open Settings, then Security."), (stored.Input, stored.Output));
        Assert.Equal(["kb-3"], stored.UsedEntryIds);
        Assert.Equal("""{"streamed":true}""", stored.Metadata);
        Assert.True(stored.UpdatedAt >= stored.ReceivedAt);

        // Re-sending the updated version is now the duplicate.
        using var again = await client.PostJsonTextAsync(Interactions, InteractionBatch(
            original.With("output", "Open Settings, then Security.").With("usedEntryIds", new[] { "kb-3" }).With("metadata", new { streamed = true })));
        Assert.Equal("duplicate", (await ResultsAsync(again)).Single().Status);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Signals_BeforeTheirInteraction_AreLinkedWhenItArrives(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var application = await app.CreateApplicationAsync("Support bot");
        using var client = app.ApiClient(application.Key);

        using var early = await client.PostJsonTextAsync(Signals, SignalBatch(Signal("s-early-1", "turn-1"), Signal("s-early-2", "turn-1", "copy"), Signal("s-other", "turn-9")));
        Assert.All(await ResultsAsync(early), r => Assert.Equal("accepted", r.Status));
        Assert.All(await app.QueryDbAsync(db => db.Signals.AsNoTracking().ToListAsync(Cancel)), s => Assert.Null(s.InteractionId));

        using var turn = await client.PostJsonTextAsync(Interactions, InteractionBatch(Interaction("turn-1")));
        Assert.Equal("accepted", (await ResultsAsync(turn)).Single().Status);
        using var late = await client.PostJsonTextAsync(Signals, SignalBatch(Signal("s-late", "turn-1", "regenerate")));
        Assert.Equal("accepted", (await ResultsAsync(late)).Single().Status);

        var interactionId = (await app.QueryDbAsync(db => db.Interactions.AsNoTracking().SingleAsync(Cancel))).Id;
        var signals = await app.QueryDbAsync(db => db.Signals.AsNoTracking().ToDictionaryAsync(s => s.ExternalId, s => s.InteractionId, Cancel));
        Assert.Equal(interactionId, signals["s-early-1"]);
        Assert.Equal(interactionId, signals["s-early-2"]);
        Assert.Equal(interactionId, signals["s-late"]);
        Assert.Null(signals["s-other"]);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Signals_MixedValidAndInvalidItems_Answer207InOrder_AndStoreOnlyTheValid(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var application = await app.CreateApplicationAsync("Support bot");
        using var client = app.ApiClient(application.Key);

        using var response = await client.PostJsonTextAsync(Signals, SignalBatch(
            Signal("ok-1", "turn-1"),
            Signal("bad-rating", "turn-1", "rating", 7).With("dimension", "tone"),
            Signal("ok-2", "turn-1", "rating", 5).With("dimension", "my-own-dimension"),
            Signal("bad-kind", "turn-1", "shrug"),
            Signal("bad-thumb", "turn-1", "thumb", "sideways"),
            Signal("ok-3", "turn-1", "abandon")));

        var results = await ResultsAsync(response);
        Assert.Equal(
            [("ok-1", "accepted"), ("bad-rating", "rejected"), ("ok-2", "accepted"), ("bad-kind", "rejected"), ("bad-thumb", "rejected"), ("ok-3", "accepted")],
            results.Select(r => (r.Id, r.Status)));
        var rating = results[1].Error!.Value;
        Assert.Equal(400, rating.GetProperty("status").GetInt32());
        Assert.True(rating.GetProperty("errors").TryGetProperty("signals[1].value", out _), rating.ToString());
        Assert.True(results[3].Error!.Value.GetProperty("errors").TryGetProperty("signals[3].kind", out _));
        Assert.True(results[4].Error!.Value.GetProperty("errors").TryGetProperty("signals[4].value", out _));

        var stored = await app.QueryDbAsync(db => db.Signals.AsNoTracking().Select(s => s.ExternalId).OrderBy(id => id).ToListAsync(Cancel));
        Assert.Equal(["ok-1", "ok-2", "ok-3"], stored);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Ingest_RepeatedIdInOneBatch_IsStoredOnce(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var application = await app.CreateApplicationAsync("Support bot");
        using var client = app.ApiClient(application.Key);

        using var signals = await client.PostJsonTextAsync(Signals, SignalBatch(
            Signal("s-1", "turn-1"), Signal("s-1", "turn-1"), Signal("s-1", "turn-1", "thumb", "up")));
        using var interactions = await client.PostJsonTextAsync(Interactions, InteractionBatch(
            Interaction("turn-1", output: "partial"), Interaction("turn-1", output: "partial and then complete")));

        Assert.Equal(["accepted", "duplicate", "rejected"], (await ResultsAsync(signals)).Select(r => r.Status));
        Assert.Equal(["accepted", "accepted"], (await ResultsAsync(interactions)).Select(r => r.Status));
        Assert.Equal(1, await app.QueryDbAsync(db => db.Signals.CountAsync(Cancel)));
        var turn = await app.QueryDbAsync(db => db.Interactions.AsNoTracking().SingleAsync(Cancel));
        Assert.Equal("partial and then complete", turn.Output);
        Assert.Equal(turn.Id, (await app.QueryDbAsync(db => db.Signals.AsNoTracking().SingleAsync(Cancel))).InteractionId);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Ingest_SameIdsInTwoApplications_AreIndependent(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var first = await app.CreateApplicationAsync("First bot");
        var second = await app.CreateApplicationAsync("Second bot");
        using var firstClient = app.ApiClient(first.Key);
        using var secondClient = app.ApiClient(second.Key);

        using var firstSignal = await firstClient.PostJsonTextAsync(Signals, SignalBatch(Signal("s-1", "turn-1", "thumb", "up")));
        // The second application uses the same ids with other content: no duplicate, no conflict, no link across.
        using var secondSignal = await secondClient.PostJsonTextAsync(Signals, SignalBatch(Signal("s-1", "turn-1", "thumb", "down")));
        using var secondTurn = await secondClient.PostJsonTextAsync(Interactions, InteractionBatch(Interaction("turn-1", output: "second's answer")));
        using var firstTurn = await firstClient.PostJsonTextAsync(Interactions, InteractionBatch(Interaction("turn-1", output: "first's answer")));

        Assert.Equal("accepted", (await ResultsAsync(firstSignal)).Single().Status);
        Assert.Equal("accepted", (await ResultsAsync(secondSignal)).Single().Status);
        Assert.Equal("accepted", (await ResultsAsync(secondTurn)).Single().Status);
        Assert.Equal("accepted", (await ResultsAsync(firstTurn)).Single().Status);

        var turns = await app.QueryDbAsync(db => db.Interactions.AsNoTracking().ToDictionaryAsync(i => i.ApplicationId, Cancel));
        var signals = await app.QueryDbAsync(db => db.Signals.AsNoTracking().ToDictionaryAsync(s => s.ApplicationId, Cancel));
        Assert.Equal("first's answer", turns[first.Id].Output);
        Assert.Equal("second's answer", turns[second.Id].Output);
        Assert.Equal((true, turns[first.Id].Id), (signals[first.Id].ThumbUp!.Value, signals[first.Id].InteractionId!.Value));
        Assert.Equal((false, turns[second.Id].Id), (signals[second.Id].ThumbUp!.Value, signals[second.Id].InteractionId!.Value));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Ingest_MarkupAndSqlMetacharacters_AreStoredVerbatim(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var application = await app.CreateApplicationAsync("Support bot");
        using var client = app.ApiClient(application.Key);
        const string hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> \"; DROP TABLE \"Signals\"; -- ' OR '1'='1 %_\\ \u00e9\u4e2d\U0001F600";
        const string id = "id'; DELETE FROM \"Interactions\"; --<b>";

        using var turn = await client.PostJsonTextAsync(Interactions, InteractionBatch(Interaction(id, input: hostile, output: hostile)
            .With("metadata", new Dictionary<string, string> { [hostile] = hostile })));
        using var signal = await client.PostJsonTextAsync(Signals, SignalBatch(Signal(id, id, "comment").With("text", hostile)));

        Assert.Equal("accepted", (await ResultsAsync(turn)).Single().Status);
        Assert.Equal((id, "accepted"), (await ResultsAsync(signal)).Select(r => (r.Id, r.Status)).Single());
        var storedTurn = await app.QueryDbAsync(db => db.Interactions.AsNoTracking().SingleAsync(Cancel));
        var storedSignal = await app.QueryDbAsync(db => db.Signals.AsNoTracking().SingleAsync(Cancel));
        Assert.Equal((id, hostile, hostile), (storedTurn.ExternalId, storedTurn.Input, storedTurn.Output));
        Assert.Equal((id, hostile, storedTurn.Id), (storedSignal.ExternalId, storedSignal.Text, storedSignal.InteractionId!.Value));
        using var metadata = System.Text.Json.JsonDocument.Parse(storedTurn.Metadata!);
        Assert.Equal(hostile, metadata.RootElement.GetProperty(hostile).GetString());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Ingest_PersonalDataInText_IsRedactedBeforeItIsStored(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var application = await app.CreateApplicationAsync("Support bot");
        using var client = app.ApiClient(application.Key);

        using var turn = await client.PostJsonTextAsync(Interactions, InteractionBatch(
            Interaction("turn-1", input: "I'm ann@example.com, call +44 20 7946 0958", output: "We will call 020 7946 0958.")
                .With("endUserEmail", "ann@example.com")
                .With("metadata", new { note = "card 4111 1111 1111 1111", ip = "10.1.2.3", count = 4111111111111111 })));
        using var signal = await client.PostJsonTextAsync(Signals, SignalBatch(
            Signal("s-1", "turn-1", "comment").With("text", "Refund to DE89 3704 0044 0532 0130 00 please")));
        // A retry of the same content is still a duplicate: the content hash covers the redacted text.
        using var retry = await client.PostJsonTextAsync(Signals, SignalBatch(
            Signal("s-1", "turn-1", "comment").With("text", "Refund to DE89 3704 0044 0532 0130 00 please")));

        Assert.Equal("accepted", (await ResultsAsync(turn)).Single().Status);
        Assert.Equal("accepted", (await ResultsAsync(signal)).Single().Status);
        Assert.Equal("duplicate", (await ResultsAsync(retry)).Single().Status);
        var storedTurn = await app.QueryDbAsync(db => db.Interactions.AsNoTracking().SingleAsync(Cancel));
        Assert.Equal("I'm [email], call [phone]", storedTurn.Input);
        Assert.Equal("We will call [phone].", storedTurn.Output);
        Assert.Equal("ann@example.com", storedTurn.EndUserEmail); // a contact the user agreed to, not text to redact
        Assert.Equal("""{"count":4111111111111111,"ip":"[ip]","note":"card [card]"}""", storedTurn.Metadata);
        Assert.Equal(5, storedTurn.RedactionCount);
        var storedSignal = await app.QueryDbAsync(db => db.Signals.AsNoTracking().SingleAsync(Cancel));
        Assert.Equal(("Refund to [iban] please", 1), (storedSignal.Text, storedSignal.RedactionCount));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Ingest_ApplicationWithRedactionOff_StoresTextAsSent(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var application = await app.CreateApplicationAsync("Internal tool", redactPii: false);
        using var client = app.ApiClient(application.Key);

        using var signal = await client.PostJsonTextAsync(Signals, SignalBatch(Signal("s-1", "turn-1", "comment").With("text", "Mail ann@example.com")));

        Assert.Equal("accepted", (await ResultsAsync(signal)).Single().Status);
        var stored = await app.QueryDbAsync(db => db.Signals.AsNoTracking().SingleAsync(Cancel));
        Assert.Equal(("Mail ann@example.com", 0), (stored.Text, stored.RedactionCount));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Ingest_ArchivedApplication_IsRefused(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var application = await app.CreateApplicationAsync("Old bot");
        using var client = app.ApiClient(application.Key);
        using var before = await client.PostJsonTextAsync(Signals, SignalBatch(Signal("s-1", "turn-1")));
        Assert.Equal(HttpStatusCode.MultiStatus, before.StatusCode);

        // Archived after the key was cached: the write itself checks the application again.
        await app.WithDbAsync(db => db.Applications.Where(a => a.Id == application.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.ArchivedAt, DateTimeOffset.UtcNow), Cancel));
        using var after = await client.PostJsonTextAsync(Signals, SignalBatch(Signal("s-2", "turn-1")));

        await ProblemAsync(after, HttpStatusCode.Forbidden);
        Assert.Equal(1, await app.QueryDbAsync(db => db.Signals.CountAsync(Cancel)));
    }
}
