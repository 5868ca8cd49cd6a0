using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FeedbackConsole.Core.Data;

/// <summary>
/// SQLite settings are per connection and have no connection-string keywords, so they are applied each
/// time EF opens one: WAL for readers beside a writer, a busy timeout instead of "database is locked",
/// and NORMAL sync, which is durable under WAL against process crashes; reads through a memory map. With the
/// background checkpoint (<see cref="SqliteCheckpointer"/>) each connection's own automatic checkpoint is only a
/// bound on the log.
/// </summary>
internal sealed class SqlitePragmaInterceptor(int busyTimeoutMilliseconds, bool backgroundCheckpoint) : DbConnectionInterceptor
{
    /// <summary>
    /// Pages are read through a memory map of the file's first 256 MiB instead of a read into each connection's
    /// cache: the ingest writer's random index lookups, whose pages another connection's commit has just made stale
    /// in its own cache, then cost no system call. Address space only; the memory is the OS page cache's.
    /// </summary>
    public const long MmapSizeBytes = 256L * 1024 * 1024;

    private readonly string _pragmas = string.Create(CultureInfo.InvariantCulture,
        $"PRAGMA journal_mode=WAL; PRAGMA busy_timeout={busyTimeoutMilliseconds}; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA mmap_size={MmapSizeBytes};")
        + (backgroundCheckpoint
            ? string.Create(CultureInfo.InvariantCulture,
                $" PRAGMA wal_autocheckpoint={SqliteCheckpointer.BackstopPages}; PRAGMA journal_size_limit={SqliteCheckpointer.JournalSizeLimitBytes};")
            : "");

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
