using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace FeedbackConsole.Bench;

/// <summary>Rows per second of the raw insert runs: the ceiling, and two variants that explain it.</summary>
internal sealed record CeilingResult(IReadOnlyList<double> Batched, IReadOnlyList<double> OneRowPerTransaction, IReadOnlyList<double> WithoutIndexes);

/// <summary>
/// The raw SQLite batched-insert ceiling for the same row: a snapshot of the database the HTTP run just filled
/// (same <c>Signals</c> table, indexes and foreign keys, same amount of data), the app's pragmas (WAL,
/// synchronous=NORMAL, foreign_keys=ON), and rows the app itself stored, re-inserted under new ids with one
/// prepared command, 1,000 rows per transaction, from a single connection in this process. For reference, the
/// same with one row per transaction (what one request, one transaction can at best reach), and into the bare
/// table without its secondary indexes.
/// </summary>
internal static class SqliteCeiling
{
    public const int RowsPerTransaction = 1000;

    /// <summary>A consistent copy of the app's database as it is now (a read; the app may keep writing).</summary>
    public static string Snapshot(string database, string workDirectory)
    {
        var snapshot = Path.Combine(workDirectory, "ceiling.db");
        using var source = Open(database, foreignKeys: false);
        Execute(source, $"VACUUM INTO '{snapshot.Replace("'", "''", StringComparison.Ordinal)}'");
        return snapshot;
    }

    /// <summary>
    /// Inserts <paramref name="rowsPerRun"/> rows <paramref name="repetitions"/> times into <paramref name="snapshot"/>,
    /// taken when the timed HTTP runs began, so that both start from the same table and add as many rows.
    /// </summary>
    public static CeilingResult Run(string snapshot, string workDirectory, int rowsPerRun, int repetitions)
    {
        using var db = Open(snapshot, foreignKeys: true);
        var columns = new List<string>();
        using (var info = db.CreateCommand())
        {
            info.CommandText = "SELECT name FROM pragma_table_info('Signals') WHERE pk = 0 ORDER BY cid";
            using var reader = info.ExecuteReader();
            while (reader.Read())
            {
                columns.Add(reader.GetString(0));
            }
        }

        var quoted = string.Join(", ", columns.Select(c => $"\"{c}\""));
        var sample = new List<object[]>();
        using (var select = db.CreateCommand())
        {
            select.CommandText = $"SELECT {quoted} FROM \"Signals\" WHERE \"IsDerived\" = 0 ORDER BY \"Id\" LIMIT 20000";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                var row = new object[columns.Count];
                reader.GetValues(row);
                sample.Add(row);
            }
        }

        if (sample.Count == 0)
        {
            throw new InvalidOperationException("The HTTP run stored no signals to copy for the ceiling.");
        }

        string tableDdl;
        using (var ddl = db.CreateCommand())
        {
            ddl.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'Signals'";
            tableDdl = (string)ddl.ExecuteScalar()!;
        }

        var inserter = new Inserter(db, columns, sample);
        var batched = Enumerable.Range(0, repetitions).Select(r => inserter.Run($"batched-{r}-", rowsPerRun, RowsPerTransaction)).ToList();
        var single = Enumerable.Range(0, repetitions).Select(r => inserter.Run($"single-{r}-", Math.Max(1, rowsPerRun / 10), 1)).ToList();

        // The bare table: same columns and rows, no secondary index (and no parent tables, so no foreign keys).
        var bare = Path.Combine(workDirectory, "bare.db");
        using var bareDb = Open(bare, foreignKeys: false);
        Execute(bareDb, tableDdl);
        var bareInserter = new Inserter(bareDb, columns, sample);
        var withoutIndexes = Enumerable.Range(0, repetitions).Select(r => bareInserter.Run($"bare-{r}-", rowsPerRun, RowsPerTransaction)).ToList();
        return new CeilingResult(batched, single, withoutIndexes);
    }

    private static SqliteConnection Open(string path, bool foreignKeys)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, $"PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys={(foreignKeys ? "ON" : "OFF")};");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>One prepared INSERT of the table's columns, re-bound for every row.</summary>
    private sealed class Inserter
    {
        private readonly SqliteConnection _db;
        private readonly SqliteCommand _insert;
        private readonly SqliteParameter[] _parameters;
        private readonly List<object[]> _sample;
        private readonly int _externalId;
        private long _next;

        public Inserter(SqliteConnection db, List<string> columns, List<object[]> sample)
        {
            _db = db;
            _sample = sample;
            _externalId = columns.IndexOf("ExternalId");
            _insert = db.CreateCommand();
            _insert.CommandText = $"INSERT INTO \"Signals\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
            _parameters = [.. columns.Select((_, i) => _insert.Parameters.Add(new SqliteParameter("$p" + i, null)))];
            _insert.Prepare();
        }

        /// <summary>Inserts <paramref name="rows"/> rows, <paramref name="perTransaction"/> per transaction; rows per second.</summary>
        public double Run(string prefix, int rows, int perTransaction)
        {
            var clock = Stopwatch.StartNew();
            for (var done = 0; done < rows; done += perTransaction)
            {
                using var transaction = _db.BeginTransaction();
                _insert.Transaction = transaction;
                for (var i = 0; i < perTransaction; i++, _next++)
                {
                    var row = _sample[(int)(_next % _sample.Count)];
                    for (var c = 0; c < row.Length; c++)
                    {
                        _parameters[c].Value = c == _externalId ? prefix + _next : row[c];
                    }

                    _insert.ExecuteNonQuery();
                }

                transaction.Commit();
            }

            return rows / clock.Elapsed.TotalSeconds;
        }
    }
}
