using System.Net;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using static FeedbackConsole.Web.Tests.Endpoints.IngestionPayloads;

namespace FeedbackConsole.Web.Tests.Endpoints;

/// <summary>SQLite's single writer: a busy database is waited for and retried, and never reaches a client as "database is locked".</summary>
public sealed class IngestionReliabilityTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ingest_AnotherWriterHoldsTheSqliteLockBeyondTheBusyTimeout_IsRetriedAndAccepted()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var app = new ConsoleAppFactory(database, settings: new Dictionary<string, string?> { ["Database:SqliteBusyTimeoutMilliseconds"] = "100" });
        var application = await app.CreateApplicationAsync("Busy bot");
        using var client = app.ApiClient(application.Key);

        await using (var writer = await HoldWriteLockAsync(database))
        {
            var post = client.PostJsonTextAsync(Signals, SignalBatch(Signal("s-1", "turn-1")));
            // Longer than the busy timeout and Microsoft.Data.Sqlite's own retries (1 s): the first attempt fails
            // with SQLITE_BUSY and the ingest's retry loop has to take over.
            await Task.Delay(1500, Cancel);
            await writer.DisposeAsync();
            using var response = await post;

            Assert.Equal("accepted", (await ResultsAsync(response)).Single().Status);
        }

        Assert.Equal(1, await app.QueryDbAsync(db => db.Signals.CountAsync(Cancel)));
    }

    [Fact]
    public async Task Ingest_SqliteLockedThroughEveryRetry_Answers503WithRetryAfterAndStoresNothing()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var app = new ConsoleAppFactory(database, settings: new Dictionary<string, string?> { ["Database:SqliteBusyTimeoutMilliseconds"] = "50" });
        var application = await app.CreateApplicationAsync("Busy bot");
        using var client = app.ApiClient(application.Key);

        HttpResponseMessage response;
        await using (await HoldWriteLockAsync(database))
        {
            response = await client.PostJsonTextAsync(Signals, SignalBatch(Signal("s-1", "turn-1")));
        }

        using (response)
        {
            var problem = await ProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.DoesNotContain("locked", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
            Assert.Equal("1", Assert.Single(response.Headers.GetValues("Retry-After")));
        }

        Assert.Equal(0, await app.QueryDbAsync(db => db.Signals.CountAsync(Cancel)));
    }

    [Fact]
    public async Task Api_UnknownPathOrMethod_AnswersProblemDetails()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var app = new ConsoleAppFactory(database);
        var application = await app.CreateApplicationAsync("Curious bot");
        using var client = app.ApiClient(application.Key);

        using var wrongMethod = await client.GetAsync(new Uri(Signals, UriKind.Relative), Cancel);
        using var unknownPath = await client.PostJsonTextAsync("/api/v1/nothing-here", "{}");

        Assert.Equal("application/problem+json", wrongMethod.Content.Headers.ContentType?.MediaType);
        Assert.True((int)wrongMethod.StatusCode is >= 400 and < 500, $"{(int)wrongMethod.StatusCode}");
        Assert.Equal("application/problem+json", unknownPath.Content.Headers.ContentType?.MediaType);
        Assert.True((int)unknownPath.StatusCode is >= 400 and < 500, $"{(int)unknownPath.StatusCode}");
    }

    /// <summary>A second connection that holds SQLite's write lock until disposed, as a long writer would.</summary>
    private static async Task<SqliteConnection> HoldWriteLockAsync(TestDatabase database)
    {
        var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = "BEGIN IMMEDIATE;";
        await command.ExecuteNonQueryAsync(Cancel);
        return connection;
    }
}
