using System.ComponentModel.DataAnnotations;

namespace FeedbackConsole.Core.Options;

/// <summary>Which database the console uses. Section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (embedded default, one machine) or <c>Postgres</c> (several instances).</summary>
    [Required]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Folder for the SQLite file when no connection string is given; relative to the content root.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>How long a SQLite connection waits for a competing writer before failing.</summary>
    [Range(0, 600_000)]
    public int SqliteBusyTimeoutMilliseconds { get; set; } = 5000;

    /// <summary>
    /// How often a background task copies SQLite's write-ahead log back into the database file (a passive
    /// checkpoint). 0 leaves it to SQLite, which does it inside whichever commit passes 1,000 pages of log — on the
    /// ingest writer's path. With a background checkpoint that commit only appends; see the README.
    /// </summary>
    [Range(0, 60_000)]
    public int SqliteCheckpointIntervalMilliseconds { get; set; } = 200;

    /// <summary>Apply pending migrations at start-up. Turn off only when migrations are applied by a deployment step.</summary>
    public bool ApplyMigrationsOnStartup { get; set; } = true;
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
