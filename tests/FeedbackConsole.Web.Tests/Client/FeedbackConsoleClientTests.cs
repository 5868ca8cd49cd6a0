using System.Diagnostics;
using System.Net;
using FeedbackConsole.Client;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Web.Tests.Client;

/// <summary>The client library against the real app on a real port, with faults injected between them.</summary>
public sealed class FeedbackConsoleClientTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = DateTimeOffset.UtcNow.AddMinutes(-10);
    private TestDatabase _database = default!;
    private ConsoleAppFactory _app = default!;
    private TestApplication _application = default!;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        _app = new ConsoleAppFactory(_database, realServer: true);
        _app.StartServer();
        _application = await _app.CreateApplicationAsync("Client tests");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>A client built the way applications build it, with a fault injector under the retry pipeline.</summary>
    private ServiceProvider ClientServices(FaultInjector? faults = null, string? key = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddFeedbackConsoleClient(o =>
        {
            o.BaseAddress = _app.ServerAddress;
            o.ApiKey = key ?? _application.Key;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(50);
        });
        if (faults is not null)
        {
            // Added after the resilience handler, so it sits inside it and sees every attempt.
            builder.AddHttpMessageHandler(() => faults);
        }

        return services.BuildServiceProvider();
    }

    private static InteractionInput Turn(string id) => new() { Id = id, Input = "Where is my parcel?", Output = "On its way.", OccurredAt = At, EndUserId = "u-1" };

    [Fact]
    public async Task Send_MoreThanOneBatch_SplitsAndStoresEverythingOnce()
    {
        await using var services = ClientServices();
        var client = services.GetRequiredService<FeedbackConsoleClient>();
        var signals = Enumerable.Range(0, 1_234).Select(i => SignalInput.Thumb($"sig-{i}", "turn-1", i % 2 == 0, At)).ToList();

        var first = await client.SendSignalsAsync(signals, TestContext.Current.CancellationToken);
        var again = await client.SendSignalsAsync(signals.Take(10), TestContext.Current.CancellationToken);

        Assert.Equal(1_234, first.Accepted);
        Assert.Equal(10, again.Duplicates);
        Assert.Equal(1_234, await _app.QueryDbAsync(db => db.Signals.CountAsync(s => s.ApplicationId == _application.Id, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Send_ResponseLostAfterTheServerCommitted_RetriesWithTheSameIdsAndStoresOnce()
    {
        var faults = new FaultInjector { LoseResponsesOfFirstAttempts = 1 };
        await using var services = ClientServices(faults);
        var client = services.GetRequiredService<FeedbackConsoleClient>();

        var result = await client.SendInteractionsAsync([Turn("turn-a"), Turn("turn-b")], TestContext.Current.CancellationToken);

        Assert.Equal(2, faults.Attempts);
        Assert.Equal(2, result.Duplicates); // the first attempt stored them; the retry found them
        Assert.Equal(2, await _app.QueryDbAsync(db => db.Interactions.CountAsync(i => i.ApplicationId == _application.Id, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Send_TooManyRequestsWithRetryAfter_WaitsThatLongThenSucceeds()
    {
        var faults = new FaultInjector { TooManyRequestsFirst = 1, RetryAfter = TimeSpan.FromSeconds(1) };
        await using var services = ClientServices(faults);
        var client = services.GetRequiredService<FeedbackConsoleClient>();
        var watch = Stopwatch.StartNew();

        var result = await client.SendInteractionsAsync([Turn("turn-r")], TestContext.Current.CancellationToken);

        Assert.Equal(1, result.Accepted);
        Assert.Equal(2, faults.Attempts);
        // The retry delay is 50 ms; only Retry-After explains waiting about a second (a lower bound, so noise cannot fail it).
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {watch.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Send_RevokedKey_FailsAtOnceWithTheProblemAndNoRetry()
    {
        var faults = new FaultInjector();
        await using var services = ClientServices(faults);
        var client = services.GetRequiredService<FeedbackConsoleClient>();
        await _app.RevokeKeyAsync(_application.Key);

        var error = await Assert.ThrowsAsync<FeedbackConsoleException>(() => client.SendInteractionsAsync([Turn("turn-x")], TestContext.Current.CancellationToken));

        Assert.Equal(401, error.Status);
        Assert.Equal(1, faults.Attempts);
        Assert.False(string.IsNullOrEmpty(error.Problem.Detail));
    }

    [Fact]
    public async Task Send_InvalidItem_IsReportedAsRejectedWhileTheOthersAreStored()
    {
        await using var services = ClientServices();
        var client = services.GetRequiredService<FeedbackConsoleClient>();

        var result = await client.SendSignalsAsync(
            [SignalInput.Rating("ok-1", "turn-1", "accuracy", 4, At), SignalInput.Rating("bad-1", "turn-1", "accuracy", 9, At)],
            TestContext.Current.CancellationToken);

        Assert.Equal(1, result.Accepted);
        var rejected = Assert.Single(result.Rejected);
        Assert.Equal("bad-1", rejected.Id);
        Assert.NotNull(rejected.Error);
    }

    [Fact]
    public async Task Batcher_EnqueuedSignals_AreSentInBatchesAndFlushedOnDispose()
    {
        await using var services = ClientServices();
        var client = services.GetRequiredService<FeedbackConsoleClient>();
        var failures = 0;

        await using (var batcher = new SignalBatcher(client, TimeSpan.FromMinutes(5), maxBatch: 100, onFailure: (_, _) => Interlocked.Increment(ref failures)))
        {
            for (var i = 0; i < 250; i++)
            {
                Assert.True(batcher.Enqueue(SignalInput.Implicit("copy", $"batched-{i}", "turn-9", At)));
            }
        }

        Assert.Equal(0, failures);
        Assert.Equal(250, await _app.QueryDbAsync(db => db.Signals.CountAsync(s => s.ExternalId.StartsWith("batched-"), TestContext.Current.CancellationToken)));
    }

    /// <summary>Lets requests through but loses responses or answers 429 on the first attempts, counting attempts.</summary>
    private sealed class FaultInjector : DelegatingHandler
    {
        private int _attempts;

        public int LoseResponsesOfFirstAttempts { get; init; }

        public int TooManyRequestsFirst { get; init; }

        public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);

        public int Attempts => _attempts;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var attempt = Interlocked.Increment(ref _attempts);
            if (attempt <= TooManyRequestsFirst)
            {
                var busy = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { RequestMessage = request };
                busy.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(RetryAfter);
                return busy;
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (attempt <= LoseResponsesOfFirstAttempts)
            {
                response.Dispose();
                throw new HttpRequestException("Connection reset after the request was sent (injected).");
            }

            return response;
        }
    }
}
