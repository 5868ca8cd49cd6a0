using FeedbackConsole.Core;
using FeedbackConsole.Core.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Bench;

/// <summary>
/// What the in-process benches (triage, impact) share: one run per provider — SQLite in the work folder, PostgreSQL on
/// a given server or a throwaway cluster — and the app's core services on that database, with SQL logged on demand.
/// </summary>
internal static class InProcessBench
{
    /// <summary>
    /// Runs <paramref name="run"/> on SQLite (when <paramref name="runSqlite"/>) and on PostgreSQL (when
    /// <paramref name="runPostgres"/> and a server is there), then deletes the work folder unless <paramref name="keep"/>.
    /// </summary>
    public static async Task<List<T>> OnEachProviderAsync<T>(
        string work, bool runSqlite, bool runPostgres, string? postgresServer, bool keep,
        Func<string, Dictionary<string, string?>, Task<List<T>>> run)
    {
        var results = new List<T>();
        try
        {
            if (runSqlite)
            {
                results.AddRange(await run("SQLite", new Dictionary<string, string?>
                {
                    ["Database:Provider"] = "Sqlite",
                    ["Database:DataDirectory"] = Path.Combine(work, "sqlite"),
                }));
            }

            if (runPostgres)
            {
                var (server, reason) = postgresServer is { } existing
                    ? (PostgresServer.Existing(existing), null)
                    : await PostgresServer.StartThrowawayAsync();
                if (server is null)
                {
                    Console.WriteLine($"PostgreSQL skipped: {reason}");
                }
                else
                {
                    await using (server)
                    {
                        server.KeepDatabase = keep;
                        await server.CreateDatabaseAsync();
                        results.AddRange(await run("PostgreSQL", new Dictionary<string, string?>
                        {
                            ["Database:Provider"] = "Postgres",
                            ["ConnectionStrings:FeedbackConsole"] = server.DatabaseConnectionString,
                        }));
                    }
                }
            }
        }
        finally
        {
            if (!keep)
            {
                Directory.Delete(work, recursive: true);
            }
        }

        return results;
    }

    /// <summary>
    /// The app's core services on the database <paramref name="settings"/> name, migrated and bootstrapped. With
    /// <paramref name="logSql"/>, every SQL command is logged with its time while <paramref name="sqlLogging"/> says so.
    /// </summary>
    public static async Task<ServiceProvider> StartCoreAsync(Dictionary<string, string?> settings, string work, bool logSql, Func<bool> sqlLogging)
    {
        settings["Bootstrap:AdminEmail"] = "bench@example.test";
        settings["Bootstrap:AdminPassword"] = "bench admin password";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging(l =>
            {
                l.SetMinimumLevel(LogLevel.Warning);
                if (logSql)
                {
                    l.AddSimpleConsole().AddFilter((category, level) =>
                        level >= LogLevel.Warning || (sqlLogging() && category == "Microsoft.EntityFrameworkCore.Database.Command" && level >= LogLevel.Information));
                }
            })
            .AddFeedbackConsoleCore(configuration, work)
            .BuildServiceProvider();
        await services.InitializeFeedbackConsoleAsync();
        return services;
    }
}
