using Microsoft.Data.Sqlite;
using Npgsql;

namespace FeedbackConsole.Tests.Shared;

/// <summary>
/// A throwaway database for one test: a SQLite file always, and a PostgreSQL database when
/// <c>FC_TEST_POSTGRES</c> holds a server connection string. Under <c>CI=true</c> a missing PostgreSQL fails
/// the test instead of skipping it, so CI can never pass without running the PostgreSQL half.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    private readonly string? _sqliteDirectory;
    private readonly string? _postgresAdmin;
    private readonly string? _postgresName;

    private TestDatabase(string provider, string connectionString, string? sqliteDirectory, string? postgresAdmin, string? postgresName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _sqliteDirectory = sqliteDirectory;
        _postgresAdmin = postgresAdmin;
        _postgresName = postgresName;
    }

    public string Provider { get; }

    public string ConnectionString { get; }

    /// <summary>Both providers, for <c>[Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]</c>.</summary>
    public static TheoryData<string> Providers => new(Sqlite, Postgres);

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The configuration keys that point the app at this database.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = Provider,
        ["ConnectionStrings:FeedbackConsole"] = ConnectionString,
    };

    public static async Task<TestDatabase> CreateAsync(string provider)
    {
        if (provider == Sqlite)
        {
            var directory = Path.Combine(Path.GetTempPath(), "fc-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            var cs = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "test.db"), Pooling = false }.ToString();
            return new TestDatabase(Sqlite, cs, directory, null, null);
        }

        var server = Environment.GetEnvironmentVariable("FC_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            if (IsCi)
            {
                Assert.Fail("CI=true but FC_TEST_POSTGRES is not set: the PostgreSQL tests must run in CI.");
            }

            Assert.Skip("PostgreSQL tests need FC_TEST_POSTGRES (a server connection string); .ci/run sets it.");
        }

        var name = "fc_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = admin.CreateCommand();
            create.CommandText = $"CREATE DATABASE \"{name}\"";
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestDatabase(Postgres, builder.ToString(), null, server, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sqliteDirectory is not null)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_sqliteDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a host shutting down; the temp folder is cleaned by the OS.
            }
        }

        if (_postgresAdmin is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(_postgresAdmin);
            await admin.OpenAsync();
            await using var drop = admin.CreateCommand();
            drop.CommandText = $"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)";
            await drop.ExecuteNonQueryAsync();
        }
    }
}
