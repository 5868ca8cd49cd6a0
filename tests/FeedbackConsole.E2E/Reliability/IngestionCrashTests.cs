using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using FeedbackConsole.Client;
using FeedbackConsole.Tests.Shared;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Polly.Timeout;

namespace FeedbackConsole.E2E.Reliability;

/// <summary>
/// "accepted means durably stored", tested the hard way: the real app in a child process is killed with SIGKILL
/// three times while several senders push batches through the client library, and restarted on the same
/// database each time. Afterwards every item the server answered <c>accepted</c> or <c>duplicate</c> is stored
/// exactly once, and sending everything again comes back <c>duplicate</c>.
/// </summary>
public sealed class IngestionCrashTests
{
    private const int Senders = 4;
    private const int Kills = 3;
    private static readonly int[] BatchSizes = [1, 2, 7, 25, 60, 150, 320, 500];
    private static readonly DateTimeOffset At = DateTimeOffset.UtcNow.AddMinutes(-30);

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Ingest_ServerKilledThreeTimesUnderLoad_EveryAnsweredItemStoredExactlyOnce(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        var seed = Environment.TickCount;
        var log = TestContext.Current.TestOutputHelper;
        log?.WriteLine($"seed {seed}");
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleProcess(database);
        await app.StartAsync(ct);
        var ledger = new Ledger();
        await using var services = ClientServices(app, ledger);
        var client = services.GetRequiredService<FeedbackConsoleClient>();

        // Load: senders with their own ids, batches of mixed sizes, interactions and signals (some signals
        // before their interaction). A sender never stops for a crash; the client's retries carry it over.
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var senders = Enumerable.Range(0, Senders)
            .Select(s => Task.Run(() => SendUntilStoppedAsync(client, ledger, s, new Random(seed + s), stop.Token, ct), ct))
            .ToArray();

        var random = new Random(seed);
        for (var kill = 1; kill <= Kills; kill++)
        {
            // Under load: a few answers since the last start, then a random moment.
            await ledger.WaitForAnswersAsync(ledger.Answers + 5, ct);
            await Task.Delay(random.Next(50, 1000), ct);
            await app.KillAsync();
            log?.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: killed ({ledger.Answers} answers so far)");
            await app.StartAsync(ct);
            log?.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: ready again");
        }

        // Let the requests caught by the last crash retry and land, then stop sending.
        await ledger.WaitForAnswersAsync(ledger.Answers + (2 * Senders), ct);
        await stop.CancelAsync();
        await Task.WhenAll(senders);
        log?.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {ledger.Summary}");
        Assert.True(ledger.Failures.IsEmpty, string.Join(Environment.NewLine, ledger.Failures.Take(10)) + Environment.NewLine + app.Output);

        // Every item answered accepted or duplicate is stored exactly once; nothing is stored twice or unasked.
        var stored = await CountStoredAsync(provider, app.ConnectionString, ct);
        var missing = ledger.Answered.Keys.Where(key => !stored.ContainsKey(key)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} answered items are not stored, e.g. {string.Join(", ", missing.Take(5))}");
        Assert.All(stored, row => Assert.Equal(1, row.Value));
        Assert.All(stored.Keys, key => Assert.True(ledger.Sent.ContainsKey(key), $"{key} is stored but was never sent"));

        // Sending everything again: what was answered comes back duplicate; what was never answered (a crash
        // took the answer and every retry) is stored now or was already.
        var again = await ResendAsync(client, ledger.Answered.Keys, ledger, ct);
        Assert.All(again, result => Assert.Equal("duplicate", result.Status));
        var unanswered = await ResendAsync(client, ledger.Sent.Keys.Where(key => !ledger.Answered.ContainsKey(key)), ledger, ct);
        Assert.All(unanswered, result => Assert.True(result.Status is "accepted" or "duplicate", $"{result.Id}: {result.Status}"));

        stored = await CountStoredAsync(provider, app.ConnectionString, ct);
        Assert.Equal(ledger.Sent.Count, stored.Count);
        Assert.All(stored, row => Assert.Equal(1, row.Value));
        Assert.Equal(Kills + 1, app.Starts);
        log?.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: verified {stored.Count} items; {unanswered.Count} had lost every answer to a crash");
    }

    private static ServiceProvider ClientServices(ConsoleProcess app, Ledger ledger)
    {
        var services = new ServiceCollection();
        services.AddFeedbackConsoleClient(o =>
            {
                o.BaseAddress = app.Address;
                o.ApiKey = app.ApiKey;
                // Enough retries to outlast a restart (a few seconds on a busy machine).
                o.MaxRetries = 8;
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
                o.AttemptTimeout = TimeSpan.FromSeconds(15);
                o.TotalTimeout = TimeSpan.FromSeconds(60);
            })
            // Inside the retry pipeline: sees every attempt, including the ones the retries hide.
            .AddHttpMessageHandler(() => new AttemptRecorder(ledger));
        return services.BuildServiceProvider();
    }

    private static async Task SendUntilStoppedAsync(FeedbackConsoleClient client, Ledger ledger, int sender, Random random, CancellationToken stop, CancellationToken ct)
    {
        var interactions = 0;
        var signals = 0;
        while (!stop.IsCancellationRequested)
        {
            var size = BatchSizes[random.Next(BatchSizes.Length)];
            if (random.NextDouble() < 0.3)
            {
                var batch = Enumerable.Range(0, size).Select(_ => Interaction($"i{sender}-{interactions++}", random)).ToList();
                await SendAsync(ledger, batch.Select(i => Ledger.InteractionKey(i.Id)).ToList(), batch, () => client.SendInteractionsAsync(batch, ct));
            }
            else
            {
                // Some signals point to interactions not sent yet: they are linked when those arrive.
                var batch = Enumerable.Range(0, size)
                    .Select(_ => Signal($"s{sender}-{signals++}", $"i{sender}-{random.Next(interactions + 50)}", random))
                    .ToList();
                await SendAsync(ledger, batch.Select(s => Ledger.SignalKey(s.Id)).ToList(), batch, () => client.SendSignalsAsync(batch, ct));
            }
        }
    }

    private static async Task SendAsync<T>(Ledger ledger, List<string> keys, List<T> items, Func<Task<IngestResult>> send)
        where T : notnull
    {
        for (var i = 0; i < keys.Count; i++)
        {
            ledger.Sent[keys[i]] = items[i];
        }

        try
        {
            var result = await send();
            ledger.Record(keys, result);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or TaskCanceledException
                                      || e is FeedbackConsoleException { Status: 503 })
        {
            // Every retry failed: the items may or may not be stored. Checked at the end by sending them again.
            ledger.Unanswered(keys.Count, e);
        }
        catch (FeedbackConsoleException e)
        {
            ledger.Failures.Enqueue($"refused: {e.Message}");
        }
    }

    private static async Task<List<ItemResult>> ResendAsync(FeedbackConsoleClient client, IEnumerable<string> keys, Ledger ledger, CancellationToken ct)
    {
        var items = keys.Select(key => ledger.Sent[key]).ToList();
        var interactions = await client.SendInteractionsAsync(items.OfType<InteractionInput>(), ct);
        var signals = await client.SendSignalsAsync(items.OfType<SignalInput>(), ct);
        return [.. interactions.Items, .. signals.Items];
    }

    /// <summary>Client ids stored, with how often: "i:" interactions and "s:" signals sent by clients (not derived ones).</summary>
    private static async Task<Dictionary<string, int>> CountStoredAsync(string provider, string connectionString, CancellationToken ct)
    {
        await using DbConnection connection = provider == TestDatabase.Sqlite
            ? new SqliteConnection(connectionString)
            : new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT 'i:' || "ExternalId", count(*) FROM "Interactions" GROUP BY "ExternalId"
            UNION ALL
            SELECT 's:' || "ExternalId", count(*) FROM "Signals" WHERE NOT "IsDerived" GROUP BY "ExternalId"
            """;
        var stored = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            stored[reader.GetString(0)] = Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        }

        return stored;
    }

    private static InteractionInput Interaction(string id, Random random) => new()
    {
        Id = id,
        ConversationId = "conv-" + id,
        EndUserId = $"user-{random.Next(50)}",
        TaskType = random.NextDouble() < 0.5 ? "returns" : "shipping",
        Input = "Can I still return the shoes I bought three weeks ago?",
        Output = random.NextDouble() < 0.5 ? "Returns are accepted within 14 days." : "Yes, within 30 days of delivery.",
        OccurredAt = At,
    };

    private static SignalInput Signal(string id, string interactionId, Random random) => random.Next(6) switch
    {
        0 => SignalInput.Thumb(id, interactionId, random.NextDouble() < 0.5, At),
        1 => SignalInput.Rating(id, interactionId, "accuracy", random.Next(1, 6), At),
        2 => SignalInput.WithText("comment", id, interactionId, "Wrong again, write to me at jane.doe@example.com", At),
        3 => SignalInput.WithText("correction", id, interactionId, "Returns are accepted within 30 days of delivery.", At),
        4 => SignalInput.Dwell(id, interactionId, random.Next(0, 60_000), At),
        _ => SignalInput.Implicit("copy", id, interactionId, At),
    };

    /// <summary>What was sent and how the server answered, shared by the senders.</summary>
    private sealed class Ledger
    {
        private int _answers;
        private int _unansweredItems;
        private int _accepted;
        private int _duplicates;
        private int _attempts;
        private int _failedAttempts;

        public ConcurrentDictionary<string, object> Sent { get; } = new(StringComparer.Ordinal);

        /// <summary>Items answered accepted or duplicate, by key.</summary>
        public ConcurrentDictionary<string, string> Answered { get; } = new(StringComparer.Ordinal);

        public ConcurrentQueue<string> Failures { get; } = new();

        public int Answers => Volatile.Read(ref _answers);

        public string Summary =>
            $"{Answers} batches answered ({_accepted} items accepted, {_duplicates} duplicate — retries of requests a crash had cut off), " +
            $"{_unansweredItems} items left unanswered after every retry{(UnansweredReasons.IsEmpty ? "" : " (" + string.Join("; ", UnansweredReasons.Distinct()) + ")")}, " +
            $"{_attempts} HTTP attempts of which {_failedAttempts} failed in transit or got 503";

        public static string SignalKey(string id) => "s:" + id;

        public static string InteractionKey(string id) => "i:" + id;

        public void Record(List<string> keys, IngestResult result)
        {
            if (result.Items.Count != keys.Count)
            {
                Failures.Enqueue($"{keys.Count} items sent, {result.Items.Count} results");
                return;
            }

            for (var i = 0; i < keys.Count; i++)
            {
                var item = result.Items[i];
                if (item.Status is "accepted" or "duplicate" && keys[i].EndsWith(":" + item.Id, StringComparison.Ordinal))
                {
                    Answered[keys[i]] = item.Status;
                    Interlocked.Increment(ref item.Status == "accepted" ? ref _accepted : ref _duplicates);
                }
                else
                {
                    Failures.Enqueue($"{keys[i]}: {item.Status} {item.Error?.Title} {item.Error?.Detail}");
                }
            }

            Interlocked.Increment(ref _answers);
        }

        public ConcurrentQueue<string> UnansweredReasons { get; } = new();

        public void Unanswered(int items, Exception reason)
        {
            Interlocked.Add(ref _unansweredItems, items);
            UnansweredReasons.Enqueue($"{reason.GetType().Name}: {reason.Message}");
        }

        public void Attempt(int? status)
        {
            Interlocked.Increment(ref _attempts);
            if (status is null or 503)
            {
                Interlocked.Increment(ref _failedAttempts);
            }
            else if (status >= 500)
            {
                // A crash shows as a broken connection; an error status would be the app failing on its own.
                Failures.Enqueue($"an attempt was answered {status}");
            }
        }

        public async Task WaitForAnswersAsync(int answers, CancellationToken ct)
        {
            var deadline = Stopwatch.StartNew();
            while (Answers < answers)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"Only {Answers} of {answers} batches were answered within 30 s: {string.Join("; ", Failures.Take(3))}");
                await Task.Delay(20, ct);
            }
        }
    }

    /// <summary>Records every attempt's outcome, under the client's retries.</summary>
    private sealed class AttemptRecorder(Ledger ledger) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                ledger.Attempt((int)response.StatusCode);
                return response;
            }
            catch (HttpRequestException)
            {
                ledger.Attempt(null);
                throw;
            }
        }
    }
}
