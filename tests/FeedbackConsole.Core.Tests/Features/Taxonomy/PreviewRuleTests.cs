using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Taxonomy;
using FeedbackConsole.Core.Tests.Features.Clustering;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;

namespace FeedbackConsole.Core.Tests.Features.Taxonomy;

public sealed class PreviewRuleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task SeedSignalsAsync(CoreHost host)
    {
        var app = await CaseClusteringTests.AppAsync(host);
        await using var db = await CaseClusteringTests.Db(host);
        var now = DateTimeOffset.UtcNow;
        var n = 0;
        Signal S(SignalKind kind, bool? up = null, int? rating = null, string? dimension = null, FlagCategory? flag = null, string? text = null) => new()
        {
            ApplicationId = app, ExternalId = $"s-{++n}", InteractionExternalId = "t-1", Kind = kind, ThumbUp = up, Rating = rating, Dimension = dimension,
            Flag = flag, Text = text, OccurredAt = now, ReceivedAt = now, ContentHash = $"s-{n}",
        };
        db.Signals.AddRange(
            S(SignalKind.Thumb, up: false), S(SignalKind.Thumb, up: false), S(SignalKind.Thumb, up: true),
            S(SignalKind.Rating, rating: 1, dimension: "accuracy"), S(SignalKind.Rating, rating: 2, dimension: "Accuracy"),
            S(SignalKind.Rating, rating: 3, dimension: "accuracy"), S(SignalKind.Rating, rating: 1, dimension: "tone"),
            S(SignalKind.Comment, text: "This is OUTDATED information"), S(SignalKind.Comment, text: "outdated and rude"), S(SignalKind.Comment, text: "fine"),
            S(SignalKind.Correction, text: "The policy is outdated, it is 30 days"),
            S(SignalKind.Flag, flag: FlagCategory.Safety), S(SignalKind.Flag, flag: FlagCategory.Compliance, text: "tax advice"));
        await db.SaveChangesAsync(Ct);
    }

    private static RuleDraft Draft(SignalKind? kind = null, string? dimension = null, FlagCategory? flag = null, int? max = null, bool? up = null, string? pattern = null) =>
        new("", kind, dimension, flag, max, up, pattern, 0.5, false);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Preview_CountsWhatEnrichmentWouldMatch_AgainstHandMadeSignals(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        await SeedSignalsAsync(host);

        async Task<PreviewRule.Preview> Run(RuleDraft draft)
        {
            var result = await host.InScopeAsync<PreviewRule, FeedbackConsole.Core.Common.Result<PreviewRule.Preview>>(h => h.HandleAsync(draft, Ct));
            Assert.True(result.Succeeded, result.Error);
            return result.Value!;
        }

        Assert.Equal(2, (await Run(Draft(SignalKind.Thumb, up: false))).Matches);
        Assert.Equal(2, (await Run(Draft(SignalKind.Rating, "accuracy", max: 2))).Matches); // dimension case-insensitive, as enrichment matches
        Assert.Equal(3, (await Run(Draft(SignalKind.Rating, max: 2))).Matches);
        Assert.Equal(2, (await Run(Draft(SignalKind.Comment, pattern: @"\boutdated\b"))).Matches); // case-insensitive regex
        Assert.Equal(3, (await Run(Draft(pattern: "outdated"))).Matches); // any kind with text
        Assert.Equal(1, (await Run(Draft(flag: FlagCategory.Safety))).Matches);
        var all = await Run(Draft(SignalKind.Flag));
        Assert.Equal((2, 13, 13L, false, false), (all.Matches, all.Sample, all.Total, all.IsSampled, all.IsPartial));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Preview_InvalidPattern_IsARefusalWithTheReason(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);

        var result = await host.InScopeAsync<PreviewRule, FeedbackConsole.Core.Common.Result<PreviewRule.Preview>>(h => h.HandleAsync(Draft(pattern: "([a-z"), Ct));

        Assert.False(result.Succeeded);
        Assert.Contains("not a valid regular expression", result.Error, StringComparison.Ordinal);
    }
}
