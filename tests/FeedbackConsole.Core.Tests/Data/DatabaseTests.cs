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
}
