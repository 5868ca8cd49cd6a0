using FeedbackConsole.Core.Features.Accounts;
using FeedbackConsole.Core.Features.Admin.Applications;
using FeedbackConsole.Core.Features.Taxonomy;
using FeedbackConsole.Core.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Data;

/// <summary>Start-up work that must finish before the first request: migrations, the first admin, then a configured application.</summary>
public static class DatabaseInitializer
{
    public static async Task InitializeFeedbackConsoleAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var options = scope.ServiceProvider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
        if (options.ApplyMigrationsOnStartup)
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
        else if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
        {
            // Migrations are someone else's job here; until they run, /health/ready says so and nothing is seeded.
            scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseInitializer))
                .LogWarning("Database:ApplyMigrationsOnStartup is off and migrations are pending: skipping the first-admin and application bootstrap.");
            return;
        }

        await scope.ServiceProvider.GetRequiredService<BootstrapAdmin>().RunAsync(cancellationToken);
        await scope.ServiceProvider.GetRequiredService<BootstrapApplication>().RunAsync(cancellationToken);
        await scope.ServiceProvider.GetRequiredService<DefaultTaxonomy>().SeedIfEmptyAsync(cancellationToken);
    }
}
