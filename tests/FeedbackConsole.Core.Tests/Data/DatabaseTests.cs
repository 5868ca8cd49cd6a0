using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Options;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Data;

public sealed class DatabaseTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Migrations_MatchTheModel_AndApplyCompletely(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var contexts = host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(TestContext.Current.CancellationToken);

        // A model change without a migration for this provider fails here (and would crash start-up on PostgreSQL).
        Assert.False(db.Database.HasPendingModelChanges(), $"The {provider} migrations are behind the model: add a migration.");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
        // Identity schema version 3 (passkeys) must be what the migrations built, not the older schema.
        Assert.Contains(db.Model.GetEntityTypes(), e => e.GetTableName() == "AspNetUserPasskeys");
        Assert.Equal(0, await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM \"AspNetUserPasskeys\"").SingleAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Sqlite_EveryConnection_HasWalAndBusyTimeout()
    {
        await using var host = await CoreHost.StartAsync(TestDatabase.Sqlite, new Dictionary<string, string?>
        {
            ["Database:SqliteBusyTimeoutMilliseconds"] = "4321",
        });
        var contexts = host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();

        for (var i = 0; i < 2; i++)
        {
            await using var db = await contexts.CreateDbContextAsync(TestContext.Current.CancellationToken);
            Assert.Equal("wal", await Scalar(db, "PRAGMA journal_mode"));
            Assert.Equal("4321", await Scalar(db, "PRAGMA busy_timeout"));
            Assert.Equal("1", await Scalar(db, "PRAGMA synchronous")); // NORMAL
            Assert.Equal(SqlitePragmaInterceptor.MmapSizeBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), await Scalar(db, "PRAGMA mmap_size"));
            // The background checkpoint is on by default: each connection's own is only the bound on the log.
            Assert.Equal("32768", await Scalar(db, "PRAGMA wal_autocheckpoint"));
            Assert.Equal("67108864", await Scalar(db, "PRAGMA journal_size_limit"));
        }

        Assert.NotNull(host.Services.GetService<SqliteCheckpointer>());
    }

    [Fact]
    public async Task Sqlite_WithoutBackgroundCheckpoint_KeepsSqlitesOwn()
    {
        await using var host = await CoreHost.StartAsync(TestDatabase.Sqlite, new Dictionary<string, string?>
        {
            ["Database:SqliteCheckpointIntervalMilliseconds"] = "0",
        });
        var contexts = host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();

        await using var db = await contexts.CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.Equal("1000", await Scalar(db, "PRAGMA wal_autocheckpoint"));
        Assert.Null(host.Services.GetService<SqliteCheckpointer>());
    }

    [Fact]
    public async Task Sqlite_BackgroundCheckpoint_CopiesCommittedRowsIntoTheDatabaseFile()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await CoreHost.StartAsync(TestDatabase.Sqlite, new Dictionary<string, string?>
        {
            ["Database:SqliteCheckpointIntervalMilliseconds"] = "50",
        });
        var contexts = host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();
        // SQLite checkpoints when the last connection to a file closes; one stays open, as in a running app.
        await using var holder = await contexts.CreateDbContextAsync(ct);
        await holder.Database.OpenConnectionAsync(ct);
        string file;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            file = db.Database.GetDbConnection().DataSource;
            // The schema into the file first, so that a copy of the file alone can be read.
            await Scalar(db, "PRAGMA wal_checkpoint(PASSIVE)");
            // Far below the connection's own automatic checkpoint (32,768 pages): only the background one copies it.
            db.Applications.Add(new Domain.Application { Id = Guid.NewGuid(), Name = "checkpointed", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(ct);
        }

        Assert.Equal(0, CountInFileAlone(file, "checkpointed"));

        var checkpointer = host.Services.GetRequiredService<SqliteCheckpointer>();
        await checkpointer.StartAsync(ct);
        try
        {
            var until = DateTime.UtcNow.AddSeconds(15);
            while (CountInFileAlone(file, "checkpointed") != 1 && DateTime.UtcNow < until)
            {
                await Task.Delay(50, ct);
            }

            // Read from a copy of the database file without its log: the row is there only if it was copied back.
            Assert.Equal(1, CountInFileAlone(file, "checkpointed"));
            Assert.NotNull(checkpointer.Last);
            Assert.True(checkpointer.Last.Value.LogPages > 0);
        }
        finally
        {
            await checkpointer.StopAsync(ct);
        }
    }

    /// <summary>Applications named <paramref name="name"/> in a copy of the main database file alone (no -wal, no -shm).</summary>
    private static int CountInFileAlone(string file, string name)
    {
        var copy = Path.Combine(Path.GetTempPath(), "fc-tests", $"file-alone-{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(file, copy);
        try
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={copy};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM \"Applications\" WHERE \"Name\" = $name";
            command.Parameters.AddWithValue("$name", name);
            return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // Copied while a checkpoint was writing it: not readable yet.
            return -1;
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public async Task Sqlite_ParallelWriters_AllCommitWithoutLockErrors()
    {
        await using var host = await CoreHost.StartAsync(TestDatabase.Sqlite);
        var contexts = host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 40), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            db.Applications.Add(new Domain.Application { Id = Guid.NewGuid(), Name = $"app-{i}", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(ct);
        });

        await using var check = await contexts.CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.Equal(40, await check.Applications.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Resolve_SqliteWithoutConnectionString_UsesFileInDataDirectory()
    {
        var root = Path.Combine(Path.GetTempPath(), "fc-tests", Guid.NewGuid().ToString("N"));

        var cs = DatabaseConnection.Resolve(new DatabaseOptions { DataDirectory = "state" }, configured: "", root);

        Assert.Contains(Path.Combine(root, "state", "feedbackconsole.db"), cs, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(root, "state")));
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void Resolve_PostgresWithoutConnectionString_ExplainsWhatIsMissing()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            DatabaseConnection.Resolve(new DatabaseOptions { Provider = DatabaseProvider.Postgres }, null, Path.GetTempPath()));

        Assert.Contains("ConnectionStrings:FeedbackConsole", error.Message, StringComparison.Ordinal);
    }

    private static async Task<string> Scalar(FeedbackDbContext db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToString(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture)!;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task PooledContexts_StartEachLeaseWithTheDefaults_WhateverTheLastUserChanged(string provider)
    {
        // Contexts are pooled (one context instance serves many leases). The ingestion writer and the key lookup shorten
        // the SQLite connection's busy wait (the connection object stays with a pooled context), the rollup lengthens the command timeout and the writer turns change
        // detection off: none of that may reach the next lease, nor may a transaction left open.
        await using var host = await CoreHost.StartAsync(provider);
        var contexts = host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();
        var ct = TestContext.Current.CancellationToken;
        FeedbackDbContext first;
        int? defaultTimeout;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            first = db;
            defaultTimeout = db.Database.GetCommandTimeout();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(2));
            // As the ingestion writer and the key lookup do it.
            using var shortWait = SqliteCommandWait.Shorten(db.Database.GetDbConnection(), seconds: 1);
            if (db.Database.GetDbConnection() is Microsoft.Data.Sqlite.SqliteConnection sqlite)
            {
                Assert.Equal(1, sqlite.DefaultTimeout);
            }

            if (db.Database.GetDbConnection() is Microsoft.Data.Sqlite.SqliteConnection snapshot)
            {
                // As the impact rollup's SQLite snapshot does it: an opened connection and a transaction EF does not own.
                await db.Database.OpenConnectionAsync(ct);
                await using var external = await db.Database.UseTransactionAsync(snapshot.BeginTransaction(deferred: true), ct);
                Assert.Equal(1, await db.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\"").SingleAsync(ct));
            }
            else
            {
                await db.Database.BeginTransactionAsync(ct);
                Assert.Equal(1, await db.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\"").SingleAsync(ct));
            }
        }

        // The pool hands out its oldest context first: lease until the changed one comes back, checking each lease.
        var sawFirstAgain = false;
        for (var lease = 0; lease < 2_048 && !sawFirstAgain; lease++)
        {
            await using var next = await contexts.CreateDbContextAsync(ct);
            sawFirstAgain = ReferenceEquals(first, next);
            Assert.True(next.ChangeTracker.AutoDetectChangesEnabled);
            Assert.Equal(defaultTimeout, next.Database.GetCommandTimeout());
            Assert.Null(next.Database.CurrentTransaction);
            Assert.Equal(System.Data.ConnectionState.Closed, next.Database.GetDbConnection().State);
            if (next.Database.GetDbConnection() is Microsoft.Data.Sqlite.SqliteConnection nextSqlite)
            {
                Assert.Equal(new Microsoft.Data.Sqlite.SqliteConnection().DefaultTimeout, nextSqlite.DefaultTimeout);
            }
        }

        Assert.True(sawFirstAgain, "The changed context never came back from the pool, so nothing was checked on it.");
    }
}
