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

    /// <summary>Apply pending migrations at start-up. Turn off only when migrations are applied by a deployment step.</summary>
    public bool ApplyMigrationsOnStartup { get; set; } = true;
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
