using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FeedbackConsole.Bench;

/// <summary>
/// The app's enrichment worker turns stored signals into cases in the background, on the same CPUs and the
/// same database. The benchmark lets it finish before each repetition, so that every repetition starts from
/// the same state instead of inheriting the previous one's backlog.
/// </summary>
internal sealed class EnrichmentQueue(Func<DbConnection> connect)
{
    public static EnrichmentQueue Sqlite(string path) =>
        new(() => new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ToString()));

    public static EnrichmentQueue Postgres(string connectionString) => new(() => new NpgsqlConnection(connectionString));

    public async Task<long> PendingAsync()
    {
        await using var connection = connect();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT count(*) FROM "Signals" WHERE "EnrichedAt" IS NULL)
                 + (SELECT count(*) FROM "Interactions" WHERE "EnrichedAt" IS NULL)
            """;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until nothing is left to enrich; returns how long that took and what is left on time-out.</summary>
    public async Task<(TimeSpan Waited, long Left)> DrainAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        long pending;
        while ((pending = await PendingAsync()) > 0 && clock.Elapsed < timeout)
        {
            await Task.Delay(200);
        }

        return (clock.Elapsed, pending);
    }
}
