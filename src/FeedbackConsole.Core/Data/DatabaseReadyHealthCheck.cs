using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FeedbackConsole.Core.Data;

/// <summary>Ready means the database answers and every migration this build knows is applied.</summary>
internal sealed class DatabaseReadyHealthCheck(IDbContextFactory<FeedbackDbContext> contexts) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return HealthCheckResult.Unhealthy("The database cannot be reached.");
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
            return pending == 0
                ? HealthCheckResult.Healthy("Database reachable, migrations applied.")
                : HealthCheckResult.Unhealthy($"{pending} migration(s) not applied yet.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The message only: exception text can carry connection details.
            return HealthCheckResult.Unhealthy($"The database check failed ({ex.GetType().Name}).");
        }
    }
}
