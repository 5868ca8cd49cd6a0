using System.Globalization;
using System.Text;

namespace FeedbackConsole.Bench;

internal sealed record BenchSettings(
    string WebDll,
    string? PostgresServer,
    bool RunPostgres,
    int Repetitions,
    int BatchesPerRepetition,
    int BatchConcurrency,
    int Connections,
    TimeSpan SingleDuration,
    TimeSpan DrainTimeout,
    bool SingleOnly,
    bool Keep,
    string LoadGenerator = "auto",
    int SingleRepetitions = 3,
    TimeSpan? SingleFirstWarmUp = null);

internal sealed record BatchPhase(IReadOnlyList<BatchRun> Runs, IReadOnlyList<CpuUsage> Cpu)
{
    public double MedianRate => Stats.Median(Runs.Select(r => r.SignalsPerSecond));

    public double LatencyMedian => Stats.Median(Runs.SelectMany(r => r.LatenciesMs));

    public double LatencyP95 => Stats.Percentile(Runs.SelectMany(r => r.LatenciesMs), 95);

    public string Rates => string.Join(", ", Runs.Select(r => Format.Number(r.SignalsPerSecond)));
}

/// <summary>Runs every measurement in order, each on a quiet app, and prints the table.</summary>
internal static class BenchRunner
{
    private const int BatchSize = 500;
    private static readonly string[] Header = ["measurement", "median", "latency", "target", "met"];
    private static readonly string[] Rule = ["---", "---", "---", "---", "---"];

    public static async Task<int> RunAsync(BenchSettings settings)
    {
        var work = Directory.CreateTempSubdirectory("fc-bench-").FullName;
        var loadBefore = CpuMeter.LoadAverage();
        Console.WriteLine($"FeedbackConsole ingestion benchmark · {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz} · {Environment.ProcessorCount} cores · .NET {Environment.Version}");
        Console.WriteLine($"app: {settings.WebDll}");
        Console.WriteLine($"work folder: {work} · load average before: {loadBefore}");

        var workload = new Workload(turns: 10_000, seed: 42);
        Console.WriteLine($"workload: simulator's support assistant, {workload.Interactions.Count:N0} interactions stored first, {workload.DistinctSignals:N0} distinct signals (avg {workload.AverageSignalBytes:0} bytes of JSON) re-sent under new ids");
        Console.WriteLine();

        BatchPhase sqlite;
        IReadOnlyList<SingleRun> singles;
        IReadOnlyList<CpuUsage> singleCpu;
        IReadOnlyList<SingleRun> freshSingles;
        IReadOnlyList<CpuUsage> freshSingleCpu;
        CeilingResult ceiling;
        string? ceilingSnapshot = null;
        BatchPhase? postgres = null;
        string? postgresNote = null;
        try
        {
            var sqliteDirectory = Directory.CreateDirectory(Path.Combine(work, "sqlite")).FullName;
            var sqliteFile = Path.Combine(sqliteDirectory, "data", "feedbackconsole.db");
            Task<AppUnderTest> StartSqliteAppAsync() => AppUnderTest.StartAsync(settings.WebDll, sqliteDirectory, new Dictionary<string, string>
            {
                ["Database__Provider"] = "Sqlite",
                ["Database__DataDirectory"] = Path.Combine(sqliteDirectory, "data"),
            });

            await using (var app = await StartSqliteAppAsync())
            {
                var queue = EnrichmentQueue.Sqlite(sqliteFile);
                if (settings.SingleOnly)
                {
                    await StoreInteractionsAsync(app, queue, workload);
                    await SinglePhaseAsync(app, queue, workload, settings, "in a fresh app process", "f");
                    return 0;
                }

                sqlite = await BatchPhaseAsync("SQLite", app, queue, workload, settings,
                    () => ceilingSnapshot = SqliteCeiling.Snapshot(sqliteFile, work));
                (singles, singleCpu) = await SinglePhaseAsync(app, queue, workload, settings, "in the batch phase's app process", "a");
            }

            // (b) again in an app process of its own, on the same database: the runtime's dynamic PGO profiles a method
            // once, so after the batches the single-POST path may run with code tuned to 500-signal requests; the two
            // rows show whether that matters.
            await using (var app = await StartSqliteAppAsync())
            {
                (freshSingles, freshSingleCpu) = await SinglePhaseAsync(app, EnrichmentQueue.Sqlite(sqliteFile), workload, settings, "in a fresh app process", "f");
            }

            var ceilingRows = settings.BatchesPerRepetition * BatchSize;
            Console.WriteLine($"(c) raw SQLite insert ceiling: {ceilingRows:N0} rows × {settings.Repetitions}, {SqliteCeiling.RowsPerTransaction:N0} rows per transaction, prepared command, same starting database as (a)");
            ceiling = SqliteCeiling.Run(ceilingSnapshot!, work, ceilingRows, settings.Repetitions);
            Console.WriteLine($"    rows/s: {string.Join(", ", ceiling.Batched.Select(Format.Number))}");
            Console.WriteLine($"    for reference, 1 row per transaction: {string.Join(", ", ceiling.OneRowPerTransaction.Select(Format.Number))}");
            Console.WriteLine($"    for reference, the bare table without its secondary indexes: {string.Join(", ", ceiling.WithoutIndexes.Select(Format.Number))}");
            Console.WriteLine();

            if (settings.RunPostgres)
            {
                (postgres, postgresNote) = await PostgresPhaseAsync(work, workload, settings);
            }
            else
            {
                postgresNote = "skipped (--no-postgres)";
            }
        }
        finally
        {
            if (!settings.Keep)
            {
                TryDelete(work);
            }
        }

        Console.WriteLine(Table(settings, sqlite, postgres, postgresNote, singles, singleCpu, freshSingles, freshSingleCpu, ceiling, loadBefore, CpuMeter.LoadAverage()));
        return 0;
    }

    private static async Task<BatchPhase> BatchPhaseAsync(string name, AppUnderTest app, EnrichmentQueue queue, Workload workload, BenchSettings settings, Action? beforeTimedRuns = null)
    {
        Console.WriteLine($"(a) HTTP batches of {BatchSize} into {name}: {settings.Repetitions} × {settings.BatchesPerRepetition} batches, {settings.BatchConcurrency} in flight");
        using var http = HttpLoad.CreateClient(app.Address, Math.Max(settings.BatchConcurrency, 1));
        await StoreInteractionsAsync(app, queue, workload);
        var warmUp = await HttpLoad.RunBatchesAsync(http, "api/v1/signals", workload.SignalBatches("warm-", 40, BatchSize), settings.BatchConcurrency);
        Check(warmUp);
        Console.WriteLine($"    warm-up: {Format.Number(warmUp.SignalsPerSecond)} signals/s");
        await DrainAsync(queue, "warm-up", settings.DrainTimeout);
        beforeTimedRuns?.Invoke();

        var runs = new List<BatchRun>();
        var cpu = new List<CpuUsage>();
        for (var r = 1; r <= settings.Repetitions; r++)
        {
            var bodies = workload.SignalBatches($"r{r}-", settings.BatchesPerRepetition, BatchSize);
            Console.Write($"    rep {r}: ");
            var meter = CpuMeter.Start(() => app.CpuTime);
            var run = await HttpLoad.RunBatchesAsync(http, "api/v1/signals", bodies, settings.BatchConcurrency);
            var usage = meter.Stop();
            Check(run);
            runs.Add(run);
            cpu.Add(usage);
            var (waited, left) = await queue.DrainAsync(settings.DrainTimeout);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{run.Accepted:N0} signals in {run.Elapsed.TotalSeconds:0.00} s = {Format.Number(run.SignalsPerSecond)} signals/s · batch p50 {Stats.Median(run.LatenciesMs):0} ms, p95 {Stats.Percentile(run.LatenciesMs, 95):0} ms · CPU {usage} · enrichment caught up {waited.TotalSeconds:0.0} s later{(left > 0 ? $" (gave up, {left:N0} left)" : "")}"));
        }

        Console.WriteLine();
        return new BatchPhase(runs, cpu);
    }

    /// <summary>The signals' interactions exist, as they would in a real app (signals are linked at ingest).</summary>
    private static async Task StoreInteractionsAsync(AppUnderTest app, EnrichmentQueue queue, Workload workload)
    {
        using var http = HttpLoad.CreateClient(app.Address, 1);
        foreach (var body in workload.InteractionBatches(BatchSize))
        {
            using var response = await HttpLoad.PostAsync(http, "api/v1/interactions", body);
            var answer = await response.Content.ReadAsByteArrayAsync();
            if ((int)response.StatusCode != 207 || HttpLoad.CountAccepted(answer).Other > 0)
            {
                throw new InvalidOperationException($"Storing the interactions failed: {(int)response.StatusCode} {Encoding.UTF8.GetString(answer)[..Math.Min(answer.Length, 600)]}");
            }
        }

        await DrainAsync(queue, "interactions", TimeSpan.FromMinutes(3));
    }

    private static async Task<(IReadOnlyList<SingleRun> Runs, IReadOnlyList<CpuUsage> Cpu)> SinglePhaseAsync(AppUnderTest app, EnrichmentQueue queue, Workload workload, BenchSettings settings, string where, string idTag)
    {
        // The first repetition of a process warms up longer: a fresh process runs its hot paths as unoptimized (tier-0,
        // then instrumented) code until the JIT, sharing the two busy cores, has compiled them again, and 5 s were not
        // enough for that (a fresh process's first repetition ran at a third to a half of the later ones' rate).
        var warmUp = TimeSpan.FromSeconds(5);
        var firstWarmUp = settings.SingleFirstWarmUp ?? warmUp;
        Console.WriteLine($"(b) single-signal POST into SQLite, {where}: {settings.Connections} connections, {settings.SingleRepetitions} × ({warmUp.TotalSeconds:0} s warm-up, the first {firstWarmUp.TotalSeconds:0} s; {settings.SingleDuration.TotalSeconds:0} s measured)");
        var wrk = settings.LoadGenerator switch
        {
            "httpclient" => null,
            "wrk" => WrkLoad.Find() ?? throw new InvalidOperationException("--load-generator wrk: no wrk on PATH (apt-get install wrk)."),
            _ => WrkLoad.Find(),
        };
        var runs = new List<SingleRun>();
        var usages = new List<CpuUsage>();
        for (var repetition = 1; repetition <= settings.SingleRepetitions; repetition++)
        {
            var meter = CpuMeter.Start(() => app.CpuTime);
            SingleRun run;
            if (wrk is not null)
            {
                run = await WrkLoad.RunSinglesAsync(wrk, app.Address, AppUnderTest.ApiKey, workload, settings.Connections, repetition == 1 ? firstWarmUp : warmUp, settings.SingleDuration, $"{idTag}{repetition}");
            }
            else
            {
                using var http = HttpLoad.CreateClient(app.Address, settings.Connections);
                run = await HttpLoad.RunSinglesAsync(http, workload, $"one{idTag}{repetition}-", settings.Connections, repetition == 1 ? firstWarmUp : warmUp, settings.SingleDuration);
            }

            var usage = meter.Stop();
            if (run.Failed > 0)
            {
                Console.WriteLine($"    {run.Failed:N0} requests not accepted; first: {run.FirstFailure}");
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    rep {repetition}, load generator {run.Generator}: {run.Requests:N0} requests = {Format.Number(run.RequestsPerSecond)} req/s · p50 {run.P50Ms:0.0} ms, p99 {run.P99Ms:0.0} ms, max {run.MaxMs:0} ms · CPU (incl. warm-up) {usage}"));
            // Each repetition starts with enrichment caught up, as the batch repetitions do.
            var (waited, left) = await queue.DrainAsync(settings.DrainTimeout);
            Console.WriteLine(left > 0
                ? $"    enrichment not caught up after {waited.TotalSeconds:0.0} s (gave up, {left:N0} left): the next repetition runs with that backlog"
                : $"    enrichment caught up {waited.TotalSeconds:0.0} s later");
            runs.Add(run);
            usages.Add(usage);
        }

        Console.WriteLine();
        return (runs, usages);
    }

    private static async Task<(BatchPhase? Phase, string? Note)> PostgresPhaseAsync(string work, Workload workload, BenchSettings settings)
    {
        PostgresServer? server;
        if (settings.PostgresServer is { } given)
        {
            server = PostgresServer.Existing(given);
        }
        else
        {
            (server, var reason) = await PostgresServer.StartThrowawayAsync();
            if (server is null)
            {
                Console.WriteLine($"PostgreSQL skipped: {reason}");
                return (null, "skipped: " + reason);
            }
        }

        await using (server)
        {
            await server.CreateDatabaseAsync();
            var directory = Directory.CreateDirectory(Path.Combine(work, "postgres")).FullName;
            await using var app = await AppUnderTest.StartAsync(settings.WebDll, directory, new Dictionary<string, string>
            {
                ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__FeedbackConsole"] = server.DatabaseConnectionString,
            });
            var phase = await BatchPhaseAsync($"PostgreSQL, {server.Description}", app, EnrichmentQueue.Postgres(server.DatabaseConnectionString), workload, settings);
            return (phase, server.Description);
        }
    }

    private static async Task DrainAsync(EnrichmentQueue queue, string after, TimeSpan timeout)
    {
        var (waited, left) = await queue.DrainAsync(timeout);
        if (left > 0)
        {
            Console.WriteLine($"    enrichment still had {left:N0} rows after the {after} ({waited.TotalSeconds:0} s); continuing anyway");
        }
    }

    private static void Check(BatchRun run)
    {
        if (run.FailedRequests > 0 || run.OtherItems > 0)
        {
            Console.WriteLine($"    {run.FailedRequests} requests failed, {run.OtherItems:N0} items not accepted; first: {run.FirstFailure}");
        }
    }

    private static string Table(BenchSettings settings, BatchPhase sqlite, BatchPhase? postgres, string? postgresNote, IReadOnlyList<SingleRun> singles, IReadOnlyList<CpuUsage> singleCpu,
        IReadOnlyList<SingleRun> freshSingles, IReadOnlyList<CpuUsage> freshSingleCpu, CeilingResult ceilings, string loadBefore, string loadAfter)
    {
        static string Met(bool met) => met ? "yes" : "**no**";
        var ceiling = Stats.Median(ceilings.Batched);
        var ratio = sqlite.MedianRate / ceiling;
        var rows = new List<string[]>
        {
            Header,
            Rule,
            new[]
            {
                $"(a) HTTP batches of {BatchSize} → SQLite", $"{Format.Number(sqlite.MedianRate)} signals/s",
                string.Create(CultureInfo.InvariantCulture, $"batch p50 {sqlite.LatencyMedian:0} ms · p95 {sqlite.LatencyP95:0} ms"),
                "≥ 30,000 signals/s", Met(sqlite.MedianRate >= 30_000),
            },
        };
        if (postgres is not null)
        {
            rows.Add(
            [
                $"(a) HTTP batches of {BatchSize} → PostgreSQL", $"{Format.Number(postgres.MedianRate)} signals/s",
                string.Create(CultureInfo.InvariantCulture, $"batch p50 {postgres.LatencyMedian:0} ms · p95 {postgres.LatencyP95:0} ms"),
                "—", "",
            ]);
        }
        else
        {
            rows.Add(["(a) HTTP batches → PostgreSQL", postgresNote ?? "skipped", "", "", ""]);
        }

        // (b): the median of the repetitions' rates and the median of their p99s (each repetition's own percentiles).
        string[] SingleRow(string label, IReadOnlyList<SingleRun> runs)
        {
            var rate = Stats.Median(runs.Select(r => r.RequestsPerSecond));
            var p50 = Stats.Median(runs.Select(r => r.P50Ms));
            var p99 = Stats.Median(runs.Select(r => r.P99Ms));
            return
            [
                $"(b) single-signal POST, {settings.Connections} connections → SQLite, {label}", $"{Format.Number(rate)} req/s",
                string.Create(CultureInfo.InvariantCulture, $"p50 {p50:0.0} ms · p99 {p99:0.0} ms ({runs[0].Generator})")
                    + (runs.Sum(r => r.Failed) is > 0 and var failed ? $" · {failed:N0} NOT ACCEPTED" : ""),
                "≥ 10,000 req/s, p99 < 20 ms", Met(rate >= 10_000 && p99 < 20 && runs.Sum(r => r.Failed) == 0),
            ];
        }

        rows.Add(SingleRow("after the batches, same process", singles));
        rows.Add(SingleRow("fresh process", freshSingles));
        rows.Add([$"(c) raw SQLite insert ceiling ({SqliteCeiling.RowsPerTransaction:N0} rows/tx, prepared)", $"{Format.Number(ceiling)} rows/s", "", "", ""]);
        rows.Add(["    reference: raw, 1 row per transaction", $"{Format.Number(Stats.Median(ceilings.OneRowPerTransaction))} rows/s", "", "", ""]);
        rows.Add(["    reference: raw, table without its secondary indexes", $"{Format.Number(Stats.Median(ceilings.WithoutIndexes))} rows/s", "", "", ""]);
        rows.Add(["ratio (a) SQLite / (c)", ratio.ToString("0.00", CultureInfo.InvariantCulture), "", "≥ 0.25", Met(ratio >= 0.25)]);
        rows.Add(["    ratio (a) SQLite / bare-table reference", (sqlite.MedianRate / Stats.Median(ceilings.WithoutIndexes)).ToString("0.00", CultureInfo.InvariantCulture), "", "", ""]);
        if (postgres is not null)
        {
            rows.Add(["ratio (a) PostgreSQL / (c)", (postgres.MedianRate / ceiling).ToString("0.00", CultureInfo.InvariantCulture), "", "—", ""]);
        }

        var widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Results ({settings.Repetitions} repetitions of {settings.BatchesPerRepetition} batches per database, {settings.BatchConcurrency} in flight; latencies over all batches of all repetitions; (b): medians of {settings.SingleRepetitions} repetitions)");
        text.AppendLine();
        foreach (var row in rows)
        {
            text.Append('|');
            for (var c = 0; c < row.Length; c++)
            {
                text.Append(' ').Append(row[c] == "---" ? new string('-', widths[c]) : row[c].PadRight(widths[c])).Append(" |");
            }

            text.AppendLine();
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"SQLite batch rates per repetition: {sqlite.Rates}");
        if (postgres is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"PostgreSQL batch rates per repetition: {postgres.Rates} ({postgresNote})");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"CPU during the SQLite batches (median repetition): {MedianCpu(sqlite.Cpu)}");
        if (postgres is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"CPU during the PostgreSQL batches (median repetition; PostgreSQL's own processes count as rest of machine): {MedianCpu(postgres.Cpu)}");
        }

        static string PerRepetition(IReadOnlyList<SingleRun> runs) =>
            string.Join(" · ", runs.Select(r => string.Create(CultureInfo.InvariantCulture, $"{Format.Number(r.RequestsPerSecond)} req/s, p99 {r.P99Ms:0.0} ms")));
        text.AppendLine(CultureInfo.InvariantCulture, $"Single POSTs per repetition, after the batches: {PerRepetition(singles)}; in a fresh process: {PerRepetition(freshSingles)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"CPU during the single POSTs (median repetition), after the batches: {MedianCpu(singleCpu)}; in a fresh process: {MedianCpu(freshSingleCpu)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Load average before: {loadBefore} · after: {loadAfter}");
        return text.ToString();
    }

    private static CpuUsage MedianCpu(IReadOnlyList<CpuUsage> usages) =>
        usages.OrderBy(u => u.AppCores).ElementAt(usages.Count / 2);

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"Could not delete {directory}: {e.Message}");
        }
    }
}

internal static class Format
{
    public static string Number(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
