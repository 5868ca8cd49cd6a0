using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases.Runtime;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.KnowledgeBases.Runtime;

public sealed class ReleaseIndexCacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly SeedEntry[] Facts =
    [
        new("Refund window", "Refunds are paid within 14 days of the return arriving at our warehouse."),
        new("Password reset", "Reset your password from Settings, then Security, then Reset password."),
        new("Delivery times", "Standard delivery takes 3 to 5 working days; express delivery arrives next day."),
    ];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ConcurrentFirstRequests_ShareOneLookupAndOneIndexBuild(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var app = await RuntimeSeed.ApplicationAsync(host);
        var kb = await RuntimeSeed.KnowledgeBaseAsync(host, app, "help-centre", KnowledgeBaseKind.Facts);
        var release = await RuntimeSeed.ReleaseAsync(host, kb, Facts);
        var cache = host.Services.GetRequiredService<ReleaseIndexCache>();

        using var start = new ManualResetEventSlim();
        var requests = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            start.Wait(Ct);
            var found = await cache.FindAsync(app, "help-centre", Ct);
            return await cache.GetEngineAsync(found!, found!.Live!, Ct);
        }, Ct)).ToList();
        start.Set();
        var engines = await Task.WhenAll(requests);

        Assert.Equal(1, cache.BuildCount);
        Assert.All(engines, e => Assert.Same(engines[0], e));
        Assert.Equal(release.Id, engines[0].ReleaseId);
        Assert.Equal(3, engines[0].Index.Documents.Count);
        Assert.Equal([release.Id], cache.HeldReleaseIds);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task NewLiveRelease_PreviousAnswersUntilItsIndexIsBuilt_ThenSwitchesAndDropsTheOld(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var app = await RuntimeSeed.ApplicationAsync(host);
        var kb = await RuntimeSeed.KnowledgeBaseAsync(host, app, "help-centre", KnowledgeBaseKind.Facts);
        var first = await RuntimeSeed.ReleaseAsync(host, kb, Facts);
        var cache = host.Services.GetRequiredService<ReleaseIndexCache>();
        var before = await cache.FindAsync(app, "help-centre", Ct);
        await cache.GetEngineAsync(before!, before!.Live!, Ct);

        var second = await RuntimeSeed.ReleaseAsync(host, kb, [.. Facts, new("Gift cards", "Gift cards never expire.")]);
        var duringBuild = await cache.RefreshAsync(app, "help-centre");

        // The new release's index was not built when the refresh saw it: release 1 still answers, release 2 builds.
        Assert.Equal(first.Id, duringBuild!.Live!.Id);
        Assert.Contains(second.Id, cache.HeldReleaseIds);
        var built = await cache.GetEngineAsync(duringBuild with { Live = new ServedReleaseRef(second.Id, second.Number) }, new ServedReleaseRef(second.Id, second.Number), Ct);
        Assert.Equal(4, built.Index.Documents.Count);

        var after = await cache.RefreshAsync(app, "help-centre");
        Assert.Equal(new ServedReleaseRef(second.Id, 2), after!.Live);
        Assert.Equal([second.Id], cache.HeldReleaseIds);
        Assert.Equal(2, cache.BuildCount);
        Assert.Same(built, await cache.GetEngineAsync(after, after.Live!, Ct));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ShadowRelease_IsHeldBesideLive_AndDroppedWhenNoLongerShadow(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var app = await RuntimeSeed.ApplicationAsync(host);
        var kb = await RuntimeSeed.KnowledgeBaseAsync(host, app, "help-centre", KnowledgeBaseKind.Facts);
        var live = await RuntimeSeed.ReleaseAsync(host, kb, Facts);
        var shadow = await RuntimeSeed.ReleaseAsync(host, kb, Facts[..1], ReleaseState.Shadow);
        var cache = host.Services.GetRequiredService<ReleaseIndexCache>();
        var found = await cache.FindAsync(app, "help-centre", Ct);
        await cache.GetEngineAsync(found!, found!.Live!, Ct);
        var shadowEngine = await cache.GetEngineAsync(found, found.Shadow!, Ct);
        Assert.Single(shadowEngine.Index.Documents);
        Assert.Equal(new[] { live.Id, shadow.Id }.Order(), cache.HeldReleaseIds.Order());

        await RuntimeSeed.WithDbAsync(host, db => db.KnowledgeBases.Where(k => k.Id == kb)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.ShadowReleaseId, (Guid?)null), Ct));
        var after = await cache.RefreshAsync(app, "help-centre");

        Assert.Null(after!.Shadow);
        Assert.Equal([live.Id], cache.HeldReleaseIds);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ArchivedKnowledgeBase_IsNotFound_AndItsIndexesAreDropped(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var app = await RuntimeSeed.ApplicationAsync(host);
        var kb = await RuntimeSeed.KnowledgeBaseAsync(host, app, "help-centre", KnowledgeBaseKind.Facts);
        await RuntimeSeed.ReleaseAsync(host, kb, Facts);
        var cache = host.Services.GetRequiredService<ReleaseIndexCache>();
        var found = await cache.FindAsync(app, "help-centre", Ct);
        await cache.GetEngineAsync(found!, found!.Live!, Ct);

        await RuntimeSeed.WithDbAsync(host, db => db.KnowledgeBases.Where(k => k.Id == kb)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.ArchivedAt, DateTimeOffset.UtcNow), Ct));

        Assert.Null(await cache.RefreshAsync(app, "help-centre"));
        Assert.Empty(cache.HeldReleaseIds);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Lookup_IsScopedToTheApplication(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var mine = await RuntimeSeed.ApplicationAsync(host, "Mine");
        var theirs = await RuntimeSeed.ApplicationAsync(host, "Theirs");
        var kb = await RuntimeSeed.KnowledgeBaseAsync(host, theirs, "help-centre", KnowledgeBaseKind.Facts);
        await RuntimeSeed.ReleaseAsync(host, kb, Facts);
        var cache = host.Services.GetRequiredService<ReleaseIndexCache>();

        Assert.Null(await cache.FindAsync(mine, "help-centre", Ct));
        Assert.Equal(kb, (await cache.FindAsync(theirs, "help-centre", Ct))!.Id);
    }
}
