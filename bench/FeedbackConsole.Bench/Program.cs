using System.CommandLine;
using FeedbackConsole.Bench;

var web = new Option<FileInfo?>("--web") { Description = "FeedbackConsole.Web.dll to run (default: the one built next to this benchmark)" };
var postgres = new Option<string?>("--postgres") { Description = "A PostgreSQL server connection string to use instead of a throwaway cluster; or set FC_BENCH_POSTGRES" };
var noPostgres = new Option<bool>("--no-postgres") { Description = "Skip the PostgreSQL run" };
var repetitions = new Option<int>("--repetitions") { Description = "Timed repetitions of the batch run per database", DefaultValueFactory = _ => 5 };
var batches = new Option<int>("--batches") { Description = "Batches of 500 signals per repetition", DefaultValueFactory = _ => 40 };
var batchConcurrency = new Option<int>("--batch-concurrency") { Description = "Batch requests in flight at once", DefaultValueFactory = _ => 4 };
var connections = new Option<int>("--connections") { Description = "Connections for the single-signal POST run", DefaultValueFactory = _ => 32 };
var singleSeconds = new Option<int>("--single-seconds") { Description = "Measured seconds of the single-signal POST run (after 5 s of warm-up)", DefaultValueFactory = _ => 10 };
var singleRepetitions = new Option<int>("--single-repetitions") { Description = "Timed repetitions of the single-signal POST run (each with its own warm-up); the table gives their medians", DefaultValueFactory = _ => 3 };
var drainSeconds = new Option<int>("--drain-timeout") { Description = "Longest wait, in seconds, for the app's enrichment worker to catch up between repetitions (a fresh process's first single-POST repetition, 30 s of load with its warm-up, leaves ~40 s of enrichment)", DefaultValueFactory = _ => 90 };
var singleOnly = new Option<bool>("--single-only") { Description = "Only the single-signal POST run (for profiling it)" };
var generator = new Option<string>("--load-generator")
{
    Description = "Load generator of the single-signal POST run: wrk (C, light on the shared 2 cores), httpclient, or auto (wrk when on PATH)",
    DefaultValueFactory = _ => "auto",
};
generator.AcceptOnlyFromAmong("auto", "wrk", "httpclient");
var keep = new Option<bool>("--keep") { Description = "Keep the work folder (databases, app logs) for a look afterwards" };
var firstWarmUp = new Option<int>("--single-first-warm-up") { Description = "Seconds of warm-up before the first single-signal POST repetition of each app process (the later ones get 5 s): a fresh process compiles its hot paths to optimized code meanwhile", DefaultValueFactory = _ => 20 };

var root = new RootCommand("FeedbackConsole ingestion benchmark: HTTP batches into SQLite and PostgreSQL, single-signal POSTs, and the raw SQLite insert ceiling, on this machine.")
{
    web, postgres, noPostgres, repetitions, batches, batchConcurrency, connections, singleSeconds, singleRepetitions, drainSeconds, singleOnly, generator, keep, firstWarmUp,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var webDll = parse.GetValue(web)?.FullName ?? Path.Combine(AppContext.BaseDirectory, "FeedbackConsole.Web.dll");
    if (!File.Exists(webDll))
    {
        await Console.Error.WriteLineAsync($"No FeedbackConsole.Web.dll at {webDll}; build in Release or pass --web.");
        return 2;
    }

    var settings = new BenchSettings(
        webDll,
        parse.GetValue(noPostgres) ? null : parse.GetValue(postgres) ?? Environment.GetEnvironmentVariable("FC_BENCH_POSTGRES"),
        !parse.GetValue(noPostgres),
        parse.GetValue(repetitions),
        parse.GetValue(batches),
        parse.GetValue(batchConcurrency),
        parse.GetValue(connections),
        TimeSpan.FromSeconds(parse.GetValue(singleSeconds)),
        TimeSpan.FromSeconds(parse.GetValue(drainSeconds)),
        parse.GetValue(singleOnly),
        parse.GetValue(keep),
        parse.GetValue(generator)!,
        Math.Max(1, parse.GetValue(singleRepetitions)),
        TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(firstWarmUp))));
    return await BenchRunner.RunAsync(settings);
});

var triagePostgres = new Option<string?>("--postgres") { Description = "A PostgreSQL server connection string to use instead of a throwaway cluster; or set FC_BENCH_POSTGRES" };
var triageNoPostgres = new Option<bool>("--no-postgres") { Description = "Skip the PostgreSQL run" };
var iterations = new Option<int>("--iterations") { Description = "Timed calls per scenario (after 10 warm-up calls)", DefaultValueFactory = _ => 100 };
var scale = new Option<double>("--scale") { Description = "Fraction of issue 4's data set (1M signals, 250k cases) to load, for a quick try", DefaultValueFactory = _ => 1.0 };
var triageKeep = new Option<bool>("--keep") { Description = "Keep the work folder (the SQLite database) for a look afterwards" };
var triageOnly = new Option<string?>("--only") { Description = "Run only the scenarios whose name contains this text" };
var triageSql = new Option<bool>("--sql") { Description = "Log every SQL command with its duration (to find where a scenario's time goes)" };
var triage = new Command("triage", "Triage speed (issue 4): the queue's first page under typical filters and the case detail with 1M signals and 250k cases loaded, on SQLite and PostgreSQL.")
{
    triagePostgres, triageNoPostgres, iterations, scale, triageKeep, triageOnly, triageSql,
};
triage.SetAction(async (parse, cancellationToken) =>
{
    var fraction = parse.GetValue(scale);
    var full = TriageSize.Issue4;
    var size = new TriageSize(
        Math.Max(100, (int)(full.Interactions * fraction)), Math.Max(50, (int)(full.Cases * fraction)), Math.Max(200, (int)(full.Signals * fraction)),
        Math.Max(10, (int)(full.Clusters * fraction)), full.Reviewers);
    return await TriageBench.RunAsync(new TriageBenchSettings(
        parse.GetValue(triageNoPostgres) ? null : parse.GetValue(triagePostgres) ?? Environment.GetEnvironmentVariable("FC_BENCH_POSTGRES"),
        !parse.GetValue(triageNoPostgres),
        parse.GetValue(iterations),
        size,
        parse.GetValue(triageKeep),
        parse.GetValue(triageOnly),
        parse.GetValue(triageSql)));
});
root.Subcommands.Add(triage);

var impactPostgres = new Option<string?>("--postgres") { Description = "A PostgreSQL server connection string to use instead of a throwaway cluster; or set FC_BENCH_POSTGRES" };
var impactNoPostgres = new Option<bool>("--no-postgres") { Description = "Skip the PostgreSQL run" };
var impactIterations = new Option<int>("--iterations") { Description = "Timed dashboard loads per scenario (after 5 warm-up loads)", DefaultValueFactory = _ => 30 };
var impactScale = new Option<double>("--scale") { Description = "Fraction of the 1M-signal data set to load, for a quick try", DefaultValueFactory = _ => 1.0 };
var impactKeep = new Option<bool>("--keep") { Description = "Keep the work folder (the SQLite database) for a look afterwards" };
var impactNoSqlite = new Option<bool>("--no-sqlite") { Description = "Skip the SQLite run" };
var impactOnly = new Option<string?>("--only") { Description = "Run only the dashboard scenarios whose name contains this text" };
var impactSql = new Option<bool>("--sql") { Description = "Log every SQL command of the dashboard scenarios with its duration" };
var impact = new Command("impact", "Impact dashboard speed (issue 6): all of the dashboard's data for one filter, with 1M signals over 90 days, on SQLite and PostgreSQL; plus building the rollups and a pass after late signals.")
{
    impactPostgres, impactNoPostgres, impactIterations, impactScale, impactKeep, impactNoSqlite, impactOnly, impactSql,
};
impact.SetAction(async (parse, cancellationToken) =>
{
    var fraction = parse.GetValue(impactScale);
    var full = TriageSize.Issue4;
    var size = new TriageSize(
        Math.Max(100, (int)(full.Interactions * fraction)), Math.Max(50, (int)(full.Cases * fraction)), Math.Max(200, (int)(full.Signals * fraction)),
        Math.Max(10, (int)(full.Clusters * fraction)), full.Reviewers);
    return await ImpactBench.RunAsync(new ImpactBenchSettings(
        parse.GetValue(impactNoPostgres) ? null : parse.GetValue(impactPostgres) ?? Environment.GetEnvironmentVariable("FC_BENCH_POSTGRES"),
        !parse.GetValue(impactNoPostgres),
        parse.GetValue(impactIterations),
        size,
        parse.GetValue(impactKeep),
        !parse.GetValue(impactNoSqlite),
        parse.GetValue(impactOnly),
        parse.GetValue(impactSql)));
});
root.Subcommands.Add(impact);

var docs = new Option<int>("--docs") { Description = "Entries in the release", DefaultValueFactory = _ => 100_000 };
var queries = new Option<int>("--queries") { Description = "Timed searches per run (1 client, then N clients)", DefaultValueFactory = _ => 20_000 };
var clients = new Option<int>("--clients") { Description = "Concurrent clients (threads, closed loop)", DefaultValueFactory = _ => 32 };
var cases = new Option<int>("--cases") { Description = "Eval cases of the gate run", DefaultValueFactory = _ => 1_000 };
var gateRepetitions = new Option<int>("--gate-repetitions") { Description = "Timed gate runs (the median is reported)", DefaultValueFactory = _ => 5 };
var retrieval = new Command("retrieval", "Retrieval speed (issue 5): the in-memory BM25 index of a 100k-entry release — build, memory, search latency alone and with 32 clients — and a gate run of 1,000 eval cases, in process.")
{
    docs, queries, clients, cases, gateRepetitions,
};
retrieval.SetAction(parse => RetrievalBench.Run(new RetrievalBenchSettings(
    parse.GetValue(docs), parse.GetValue(queries), parse.GetValue(clients), parse.GetValue(cases), parse.GetValue(gateRepetitions))));
root.Subcommands.Add(retrieval);

var apiWeb = new Option<FileInfo?>("--web") { Description = "FeedbackConsole.Web.dll to run (default: the one built next to this benchmark)" };
var apiDocs = new Option<int>("--docs") { Description = "Fact entries in the live release", DefaultValueFactory = _ => 100_000 };
var apiSequential = new Option<int>("--sequential") { Description = "Timed requests of the one-client run", DefaultValueFactory = _ => 5_000 };
var apiConnections = new Option<int>("--connections") { Description = "Connections of the concurrent run", DefaultValueFactory = _ => 32 };
var apiSeconds = new Option<int>("--seconds") { Description = "Measured seconds of the concurrent run (after 3 s of warm-up)", DefaultValueFactory = _ => 10 };
var apiGenerator = new Option<string>("--load-generator") { Description = "wrk, httpclient, or auto (wrk when on PATH)", DefaultValueFactory = _ => "auto" };
apiGenerator.AcceptOnlyFromAmong("auto", "wrk", "httpclient");
var apiKeep = new Option<bool>("--keep") { Description = "Keep the work folder (database, app log)" };
var apiRepetitions = new Option<int>("--repetitions") { Description = "Repetitions of the concurrent and paced runs, in turn (medians are reported)", DefaultValueFactory = _ => 3 };
apiRepetitions.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() < 1)
    {
        result.AddError("--repetitions must be at least 1.");
    }
});
var apiRate = new Option<int>("--paced-rate") { Description = "Total requests per second of the paced run (the connections send in turn at this rate)", DefaultValueFactory = _ => 2_000 };
apiRate.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() <= 0)
    {
        result.AddError("--paced-rate must be at least 1 request per second (a rate of 0 would never finish the paced run).");
    }
});
var knowledgeApi = new Command("knowledge-api", "Run-time search API speed (issue 5): GET /api/v1/knowledge-bases/{kb}/search on the real app over HTTP, a live release of 100k facts, one client then 32 connections.")
{
    apiWeb, apiDocs, apiSequential, apiConnections, apiSeconds, apiGenerator, apiKeep, apiRate, apiRepetitions,
};
knowledgeApi.SetAction(async (parse, cancellationToken) =>
{
    var webDll = parse.GetValue(apiWeb)?.FullName ?? Path.Combine(AppContext.BaseDirectory, "FeedbackConsole.Web.dll");
    if (!File.Exists(webDll))
    {
        await Console.Error.WriteLineAsync($"No FeedbackConsole.Web.dll at {webDll}; build in Release or pass --web.");
        return 2;
    }

    return await KnowledgeApiBench.RunAsync(new KnowledgeApiBenchSettings(
        webDll, parse.GetValue(apiDocs), parse.GetValue(apiSequential), parse.GetValue(apiConnections),
        TimeSpan.FromSeconds(parse.GetValue(apiSeconds)), parse.GetValue(apiGenerator)!, parse.GetValue(apiKeep), parse.GetValue(apiRate), parse.GetValue(apiRepetitions)));
});
root.Subcommands.Add(knowledgeApi);

var enrichDatabase = new Option<FileInfo>("--database") { Description = "A SQLite database to copy (a capture run's, kept with --keep: <work folder>/sqlite/feedbackconsole.db)", Required = true };
var enrichInteractions = new Option<int>("--interactions") { Description = "Newest interactions to enrich again per repetition", DefaultValueFactory = _ => 2_000 };
var enrichRepetitions = new Option<int>("--repetitions") { Description = "Timed repetitions, each on a fresh copy (the median is reported)", DefaultValueFactory = _ => 3 };
var enrichSql = new Option<bool>("--sql") { Description = "Log every SQL command of the timed passes with its duration" };
var enrich = new Command("enrich", "Enrichment speed (issue 3): the newest interactions of a copied database enriched again in process — cases, clusters, recounts — per interaction, by wall clock and CPU time.")
{
    enrichDatabase, enrichInteractions, enrichRepetitions, enrichSql,
};
enrich.SetAction(async (parse, cancellationToken) => await EnrichBench.RunAsync(new EnrichBenchSettings(
    parse.GetValue(enrichDatabase)!, parse.GetValue(enrichInteractions), parse.GetValue(enrichRepetitions), parse.GetValue(enrichSql))));
root.Subcommands.Add(enrich);

var notifyCount = new Option<int>("--notifications") { Description = "Waiting deliveries per repetition", DefaultValueFactory = _ => 5_000 };
var notifyRepetitions = new Option<int>("--repetitions") { Description = "Timed repetitions per database and channel (the median is reported)", DefaultValueFactory = _ => 3 };
var notifyPostgres = new Option<string?>("--postgres") { Description = "A PostgreSQL server connection string (or FC_BENCH_POSTGRES) to run on PostgreSQL too" };
var notifyConcurrency = new Option<int>("--concurrency") { Description = "Notifications:Concurrency (SMTP connections, webhook requests in parallel)", DefaultValueFactory = _ => 4 };
var notifyBatch = new Option<int>("--batch-size") { Description = "Notifications:BatchSize (deliveries claimed at once)", DefaultValueFactory = _ => 200 };
var notify = new Command("notify", "Notification dispatch speed (issue 7): waiting emails to a local SMTP server and webhooks to a local receiver, per second, in process, on SQLite (and PostgreSQL).")
{
    notifyCount, notifyRepetitions, notifyPostgres, notifyConcurrency, notifyBatch,
};
notify.SetAction(async (parse, cancellationToken) => await NotifyBench.RunAsync(new NotifyBenchSettings(
    parse.GetValue(notifyCount), parse.GetValue(notifyRepetitions), parse.GetValue(notifyPostgres) ?? Environment.GetEnvironmentVariable("FC_BENCH_POSTGRES"),
    parse.GetValue(notifyConcurrency), parse.GetValue(notifyBatch))));
root.Subcommands.Add(notify);

return await root.Parse(args).InvokeAsync();
