using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Enrichment;
using FeedbackConsole.Core.Features.Taxonomy;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.Taxonomy;

public sealed class DefaultTaxonomyTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Seed_NewDatabase_HasAtLeastTenLeafModesEachWithValidRules_AndSeedsOnce(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider); // start-up seeds it

        var again = await host.Services.GetRequiredService<DefaultTaxonomy>().SeedIfEmptyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, again);
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        var leaves = await db.FailureModes.Include(m => m.Rules).Where(m => m.ParentId != null).ToListAsync(TestContext.Current.CancellationToken);
        Assert.True(leaves.Count >= 10, $"{leaves.Count} leaf modes");
        Assert.All(leaves, m => Assert.NotEmpty(m.Rules));
        Assert.All(leaves.SelectMany(m => m.Rules).Where(r => r.TextPattern is not null), r => Assert.NotNull(RuleMatcher.Compile(r.TextPattern!)));
        foreach (var key in new[] { "factual.error", "factual.outdated", "retrieval.miss", "tone.inappropriate", "verbosity.too_long", "relevance.off_topic", "instructions.ignored", "safety.harmful", "compliance.regulatory", "compliance.privacy" })
        {
            Assert.Contains(leaves, m => m.Key == key);
        }
    }
}
