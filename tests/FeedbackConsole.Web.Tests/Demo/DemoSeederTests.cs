using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using FeedbackConsole.Web.Demo;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Web.Tests.Demo;

public sealed class DemoSeederTests
{
    [Fact]
    public async Task FirstRun_DemoOn_SendsSimulatedTrafficOverHttpAndCasesAppear()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var app = new ConsoleAppFactory(database, realServer: true, settings: new Dictionary<string, string?>
        {
            ["Demo:SeedOnFirstRun"] = "true",
            ["Demo:Days"] = "3",
            ["Demo:TurnsPerDay"] = "40",
            ["Enrichment:PollInterval"] = "00:00:00.200",
        });
        app.StartServer();

        // The seeder and the enrichment worker run in the background: wait for their result, up to a minute.
        var deadline = DateTime.UtcNow.AddMinutes(1);
        (int Interactions, int Cases, bool App) state = default;
        while (DateTime.UtcNow < deadline)
        {
            state = await app.QueryDbAsync(async db => (
                await db.Interactions.CountAsync(TestContext.Current.CancellationToken),
                await db.Cases.CountAsync(TestContext.Current.CancellationToken),
                await db.Applications.AnyAsync(a => a.Name == DemoSeeder.ApplicationName, TestContext.Current.CancellationToken)));
            if (state.Cases > 0 && state.Interactions > 0 && !await app.QueryDbAsync(db => db.Signals.AnyAsync(s => s.EnrichedAt == null && s.InteractionId != null, TestContext.Current.CancellationToken)))
            {
                break;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.True(state.App, "the demo application was not created");
        Assert.InRange(state.Interactions, 100, 120); // 3 days x 40 turns, less the few that would fall in the future
        Assert.True(state.Cases > 0, "no cases were made from the demo feedback");
        var keys = await app.QueryDbAsync(db => db.ApiKeys.Where(k => k.Application!.Name == DemoSeeder.ApplicationName).Select(k => k.LastUsedAt).ToListAsync(TestContext.Current.CancellationToken));
        Assert.NotNull(Assert.Single(keys)); // it really went through the API with its key
    }
}
