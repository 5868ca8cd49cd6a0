using System.Collections.Concurrent;
using System.Net;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using Microsoft.EntityFrameworkCore;
using static FeedbackConsole.Web.Tests.Endpoints.IngestionPayloads;

namespace FeedbackConsole.Web.Tests.Endpoints;

/// <summary>Many parallel writers (issue 3, item 9): no 5xx, no "database is locked", every accepted item stored once.</summary>
public sealed class IngestionConcurrencyTests
{
    private const int Clients = 16;
    private const int InteractionClients = 4;
    private const int BatchesPerClient = 20;
    private const int OwnSignalsPerBatch = 20;
    private const int SharedPerBatch = 5;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ManyParallelWriters_RacingOnTheSameIds_NoServerErrorAndEachItemStoredOnce(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var application = await app.CreateApplicationAsync("Busy bot");
        var outcomes = new ConcurrentBag<(string Path, string? Id, string Status)>();
        var failures = new ConcurrentBag<string>();

        // Signal writers send their own ids plus ids every writer sends with the same content (so they race to
        // insert them), all pointing at turns the interaction writers send at the same time (so linking races).
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            using var http = app.ApiClient(application.Key);
            for (var batch = 0; batch < BatchesPerClient; batch++)
            {
                var isInteractionWriter = client < InteractionClients;
                var path = isInteractionWriter ? Interactions : Signals;
                var body = isInteractionWriter
                    ? InteractionBatch([.. Enumerable.Range(0, SharedPerBatch).Select(i => Interaction($"turn-{batch}-{i}"))])
                    : SignalBatch([
                        .. Enumerable.Range(0, OwnSignalsPerBatch).Select(i => Signal($"c{client}-b{batch}-{i}", $"turn-{batch}-{i % SharedPerBatch}")),
                        .. Enumerable.Range(0, SharedPerBatch).Select(i => Signal($"shared-{batch}-{i}", $"turn-{batch}-{i}", "copy")),
                    ]);
                using var response = await http.PostJsonTextAsync(path, body);
                if (response.StatusCode != HttpStatusCode.MultiStatus)
                {
                    failures.Add($"{path} client {client} batch {batch}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
                    continue;
                }

                foreach (var result in await ResultsAsync(response))
                {
                    outcomes.Add((path, result.Id, result.Status));
                }
            }
        }, Cancel)));

        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)));
        Assert.DoesNotContain(outcomes, o => o.Status == "rejected");
        foreach (var group in outcomes.GroupBy(o => (o.Path, o.Id)))
        {
            Assert.True(group.Count(o => o.Status == "accepted") == 1, $"{group.Key} was accepted {group.Count(o => o.Status == "accepted")} times.");
        }

        var signalIds = outcomes.Where(o => o.Path == Signals).Select(o => o.Id).Distinct().Count();
        Assert.Equal(((Clients - InteractionClients) * OwnSignalsPerBatch * BatchesPerClient) + (SharedPerBatch * BatchesPerClient), signalIds);
        var stored = await app.QueryDbAsync(db => db.Signals.AsNoTracking().Where(s => !s.IsDerived)
            .Select(s => new { s.ExternalId, s.InteractionExternalId, s.InteractionId }).ToListAsync(Cancel));
        Assert.Equal(signalIds, stored.Count);
        Assert.Equal(signalIds, stored.Select(s => s.ExternalId).Distinct().Count());

        var turns = await app.QueryDbAsync(db => db.Interactions.AsNoTracking().ToDictionaryAsync(i => i.ExternalId, i => i.Id, Cancel));
        Assert.Equal(SharedPerBatch * BatchesPerClient, turns.Count);
        // Whichever came first, signal or interaction, every signal ends up linked to its interaction.
        Assert.All(stored, s => Assert.Equal(turns[s.InteractionExternalId], s.InteractionId));
    }

    /// <summary>
    /// Concurrent single-signal requests are stored in shared group transactions; whichever request of a group
    /// comes first in the queue wins an id, and the others are answered as if they came after its commit.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ConcurrentSingleSignals_SameIdDifferentContent_OneAcceptedSameContentDuplicateOtherRejected(string provider)
    {
        const int Requests = 40;
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var application = await app.CreateApplicationAsync("Group bot");
        using var http = app.ApiClient(application.Key);

        // Half send the id as a thumb up, half as a thumb down: the same id with two different contents.
        var answers = await Task.WhenAll(Enumerable.Range(0, Requests).Select(i => Task.Run(async () =>
        {
            var value = i % 2 == 0 ? "up" : "down";
            using var response = await http.PostJsonTextAsync(Signals, SignalBatch(Signal("contested", "turn-1", "thumb", value)));
            var result = Assert.Single(await ResultsAsync(response));
            return (Value: value, result.Status, Code: result.Error?.GetProperty("status").GetInt32());
        }, Cancel)));

        var winner = Assert.Single(answers, a => a.Status == "accepted");
        Assert.All(answers.Where(a => a.Value == winner.Value && a != winner), a => Assert.Equal("duplicate", a.Status));
        Assert.All(answers.Where(a => a.Value != winner.Value), a => Assert.Equal(("rejected", 409), (a.Status, a.Code)));
        var stored = await app.QueryDbAsync(db => db.Signals.AsNoTracking().Where(s => s.ExternalId == "contested").Select(s => s.ThumbUp).ToListAsync(Cancel));
        Assert.Equal(winner.Value == "up", Assert.Single(stored));
    }
}
