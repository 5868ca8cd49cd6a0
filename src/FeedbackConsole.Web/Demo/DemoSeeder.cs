using FeedbackConsole.Client;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Admin.Applications;
using FeedbackConsole.Core.Options;
using FeedbackConsole.Simulator;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Web.Demo;

/// <summary>
/// With <c>Demo:SeedOnFirstRun</c>, the first start on an empty database creates a demo application and key
/// and sends it the simulator's traffic over HTTP through the client library — exactly the path a real LLM
/// application takes — so a first look at the console shows cases to triage.
/// </summary>
internal sealed class DemoSeeder(
    IOptions<DemoOptions> options,
    IHostApplicationLifetime lifetime,
    IServer server,
    IDbContextFactory<FeedbackDbContext> contexts,
    UseCases useCases,
    TimeProvider time,
    ILogger<DemoSeeder> logger) : BackgroundService
{
    public const string ApplicationName = "Acme Support Assistant (demo)";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SeedOnFirstRun)
        {
            return;
        }

        // The simulator talks to this very server, so wait until it listens.
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        try
        {
            await SeedAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Demo data is a convenience: never take the console down for it.
            logger.LogError(ex, "Seeding demo data failed; the console works without it.");
        }
    }

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (await db.Interactions.AnyAsync(cancellationToken) || await db.Applications.AnyAsync(a => a.Name == ApplicationName, cancellationToken))
            {
                return;
            }
        }

        var created = await useCases.RunAsync<CreateApplication, Result<Guid>>(h =>
            h.HandleAsync(new CreateApplication.Request { Name = ApplicationName }, "demo-seeder", cancellationToken));
        if (!created.Succeeded)
        {
            logger.LogWarning("Demo application not created: {Error}", created.Error);
            return;
        }

        var key = await useCases.RunAsync<CreateApiKey, Result<CreateApiKey.Created>>(h =>
            h.HandleAsync(created.Value, new CreateApiKey.Request { Kind = ApiKeyKind.Server, Label = "Demo simulator" }, "demo-seeder", cancellationToken));
        if (!key.Succeeded)
        {
            logger.LogWarning("Demo key not created: {Error}", key.Error);
            return;
        }

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                      ?? throw new InvalidOperationException("The server has no address to send demo traffic to.");
        var services = new ServiceCollection();
        services.AddFeedbackConsoleClient(o =>
        {
            o.BaseAddress = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
            o.ApiKey = key.Value!.Key;
        });
        await using var provider = services.BuildServiceProvider();
        var scenario = new SupportAssistantScenario(options.Value.Days, users: 200, options.Value.TurnsPerDay, seed: 42, time.GetUtcNow());
        var report = await SimulationRunner.RunAsync(provider.GetRequiredService<FeedbackConsoleClient>(), scenario.Generate(), cancellationToken);
        logger.LogInformation("Demo data: {Report}", report.ToString());
    }
}
