using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace FeedbackConsole.Core.Data;

/// <summary>
/// Shortens how long Microsoft.Data.Sqlite retries a busy statement on one context's connection (its own retry loop,
/// 30 s by default, on top of the busy_timeout pragma), and puts the default back when disposed. Contexts are pooled and
/// keep their connection object between leases, so a setting left on it would reach whoever leases the context next.
/// A no-op on PostgreSQL.
/// </summary>
public readonly struct SqliteCommandWait : IDisposable
{
    private readonly SqliteConnection? _connection;
    private readonly int _previous;

    private SqliteCommandWait(SqliteConnection connection, int seconds)
    {
        _connection = connection;
        _previous = connection.DefaultTimeout;
        connection.DefaultTimeout = seconds;
    }

    /// <summary>Statements on <paramref name="connection"/> retry a busy database for about <paramref name="seconds"/>, until disposed.</summary>
    public static SqliteCommandWait Shorten(DbConnection connection, int seconds) =>
        connection is SqliteConnection sqlite ? new SqliteCommandWait(sqlite, seconds) : default;

    public void Dispose()
    {
        if (_connection is not null)
        {
            _connection.DefaultTimeout = _previous;
        }
    }
}
