using FeedbackConsole.Core.Options;
using Microsoft.Data.Sqlite;

namespace FeedbackConsole.Core.Data;

/// <summary>Works out the connection string for the configured provider.</summary>
public static class DatabaseConnection
{
    public const string ConnectionStringName = "FeedbackConsole";

    /// <summary>
    /// PostgreSQL needs <c>ConnectionStrings:FeedbackConsole</c>. SQLite uses it when given, otherwise a file
    /// <c>feedbackconsole.db</c> in <c>Database:DataDirectory</c> (created if missing).
    /// </summary>
    public static string Resolve(DatabaseOptions options, string? configured, string contentRoot)
    {
        if (options.Provider == DatabaseProvider.Postgres)
        {
            return string.IsNullOrWhiteSpace(configured)
                ? throw new InvalidOperationException(
                    "Database:Provider is Postgres but ConnectionStrings:FeedbackConsole is empty.")
                : configured;
        }

        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var directory = Path.GetFullPath(Path.Combine(contentRoot, options.DataDirectory));
        Directory.CreateDirectory(directory);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, "feedbackconsole.db"),
            Pooling = true,
        }.ToString();
    }
}
