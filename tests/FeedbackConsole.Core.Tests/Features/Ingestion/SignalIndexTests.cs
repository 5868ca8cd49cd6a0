using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.Ingestion;

/// <summary>
/// The index of signals waiting for their interaction holds only those (<c>InteractionId IS NULL</c>), so that a
/// signal whose interaction is stored costs no entry in it; the lookup that links waiting signals must still use it.
/// </summary>
public sealed class SignalIndexTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LinkingWaitingSignals_UsesThePartialIndex_AndLinkedSignalsAreNotInIt()
    {
        await using var host = await CoreHost.StartAsync(TestDatabase.Sqlite);
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(Ct);
        var applicationId = Guid.NewGuid();
        var freshIds = new List<string> { "turn-1", "turn-2" };

        // The predicate of IngestInteractions' linking update.
        var query = db.Signals
            .Where(s => s.ApplicationId == applicationId && s.InteractionId == null && EF.Parameter(freshIds).Contains(s.InteractionExternalId))
            .Select(s => s.Id)
            .ToQueryString();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Ct);
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + query[query.IndexOf("SELECT", StringComparison.Ordinal)..];
        foreach (var line in query.Split('\n').Where(l => l.StartsWith(".param set ", StringComparison.Ordinal)))
        {
            // ToQueryString writes SQLite parameters as ".param set @name value" lines.
            var parts = line[".param set ".Length..].Split(' ', 2);
            var parameter = explain.CreateParameter();
            parameter.ParameterName = parts[0];
            parameter.Value = parts[1].Trim().Trim('\'');
            explain.Parameters.Add(parameter);
        }

        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.Contains(plan, step => step.Contains("USING INDEX IX_Signals_ApplicationId_InteractionExternalId", StringComparison.Ordinal));

        await using var definition = connection.CreateCommand();
        definition.CommandText = "SELECT sql FROM sqlite_master WHERE name = 'IX_Signals_ApplicationId_InteractionExternalId'";
        Assert.EndsWith("WHERE \"InteractionId\" IS NULL", (string)(await definition.ExecuteScalarAsync(Ct))!, StringComparison.Ordinal);
    }
}
