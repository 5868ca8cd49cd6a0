using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Enrichment;
using FeedbackConsole.Core.Tests.Features.Clustering;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Tests.Features.Enrichment;

/// <summary>The segment and signal summary enrichment copies onto the case row for the queue.</summary>
public sealed class CaseSummaryTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddHours(-1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Signal Sig(Guid app, Interaction turn, string id, SignalKind kind, string? user, bool? up = null, int? rating = null, string? dimension = null) => new()
    {
        ApplicationId = app, ExternalId = id, InteractionExternalId = turn.ExternalId, InteractionId = turn.Id, EndUserId = user, Kind = kind,
        ThumbUp = up, Rating = rating, Dimension = dimension, OccurredAt = turn.OccurredAt.AddSeconds(10), ReceivedAt = T0, ContentHash = id,
    };

    [Fact]
    public void FillSegmentAndSummary_CountsThumbsLowestRatingKindsAndDistinctUsers()
    {
        var turn = new Interaction { UserRole = "customer", TaskType = "returns", ModelVersion = "gpt-x-2" };
        var app = Guid.NewGuid();
        var kase = new Case();

        EnrichmentPipeline.FillSegmentAndSummary(kase, turn,
        [
            Sig(app, turn, "a", SignalKind.Thumb, "u1", up: false),
            Sig(app, turn, "b", SignalKind.Thumb, "u2", up: false),
            Sig(app, turn, "c", SignalKind.Thumb, "u2", up: true),
            Sig(app, turn, "d", SignalKind.Rating, "u1", rating: 4, dimension: "tone"),
            Sig(app, turn, "e", SignalKind.Rating, "u3", rating: 2, dimension: "accuracy"),
            Sig(app, turn, "f", SignalKind.Abandon, null),
        ]);

        Assert.Equal(("customer", "returns", "gpt-x-2"), (kase.UserRole, kase.TaskType, kase.ModelVersion));
        Assert.Equal(1, kase.ThumbsUp);
        Assert.Equal(2, kase.ThumbsDown);
        Assert.Equal(2, kase.LowestRating);
        Assert.Equal((1 << (int)SignalKind.Thumb) | (1 << (int)SignalKind.Rating) | (1 << (int)SignalKind.Abandon), kase.SignalKinds);
        Assert.Equal(3, kase.Reach);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Enrichment_FillsSegmentAndSummaryOnCreate_AndRefreshesThemOnEveryUpdate_DerivedSignalsIncluded(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var app = await CaseClusteringTests.AppAsync(host);
        Interaction turn;
        await using (var db = await CaseClusteringTests.Db(host))
        {
            turn = new Interaction
            {
                ApplicationId = app, ExternalId = "t-1", ConversationId = "c-1", EndUserId = "u1", UserRole = "customer", TaskType = "returns",
                ModelVersion = "m-1", Input = "Can I return shoes?", Output = "No.", OccurredAt = T0, ReceivedAt = T0, UpdatedAt = T0, ContentHash = "t-1",
            };
            db.Interactions.Add(turn);
            await db.SaveChangesAsync(Ct);
            db.Signals.AddRange(Sig(app, turn, "s-1", SignalKind.Thumb, "u1", up: false), Sig(app, turn, "s-2", SignalKind.Rating, "u1", rating: 3, dimension: "accuracy"));
            await db.SaveChangesAsync(Ct);
        }

        await CaseClusteringTests.DrainAsync(host);

        await using (var db = await CaseClusteringTests.Db(host))
        {
            var created = await db.Cases.SingleAsync(Ct);
            Assert.Equal(("customer", "returns", "m-1"), (created.UserRole, created.TaskType, created.ModelVersion));
            Assert.Equal((0, 1, 3, 1), (created.ThumbsUp, created.ThumbsDown, created.LowestRating, created.Reach));
            Assert.Equal((1 << (int)SignalKind.Thumb) | (1 << (int)SignalKind.Rating), created.SignalKinds);

            // Later: a second user rates it 1 and regenerates it three times (enrichment derives "regenerated 3 times").
            db.Signals.Add(Sig(app, turn, "s-3", SignalKind.Rating, "u2", rating: 1, dimension: "accuracy"));
            for (var i = 0; i < 3; i++)
            {
                db.Signals.Add(Sig(app, turn, $"s-r{i}", SignalKind.Regenerate, "u2"));
            }

            await db.SaveChangesAsync(Ct);
        }

        await CaseClusteringTests.DrainAsync(host);

        await using (var db = await CaseClusteringTests.Db(host))
        {
            var updated = await db.Cases.SingleAsync(Ct);
            Assert.Equal((0, 1, 1, 2), (updated.ThumbsUp, updated.ThumbsDown, updated.LowestRating, updated.Reach));
            Assert.Equal((1 << (int)SignalKind.Thumb) | (1 << (int)SignalKind.Rating) | (1 << (int)SignalKind.Regenerate), updated.SignalKinds);
            Assert.Equal(7, updated.SignalCount); // 6 sent + 1 derived
            Assert.True(await db.Signals.AnyAsync(s => s.IsDerived && s.Kind == SignalKind.Regenerate, Ct));
        }
    }
}
