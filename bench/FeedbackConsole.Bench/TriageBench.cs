using System.Diagnostics;
using System.Globalization;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage.Cases;
using FeedbackConsole.Core.Features.Triage.Queue;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Bench;

internal sealed record TriageBenchSettings(string? PostgresServer, bool RunPostgres, int Iterations, TriageSize Size, bool Keep, string? Only = null, bool LogSql = false);

/// <summary>
/// Issue 4's speed target: with 1M signals and 250k cases loaded, the queue's first page under typical
/// filters and the case detail each take &lt; 50 ms of server time. Server time is the use case's own time
/// (the query handlers the Blazor pages call, in a fresh DI scope per call, as the pages do), measured
/// in process on SQLite and on PostgreSQL.
/// </summary>
internal static class TriageBench
{
    private const double TargetMs = 50;

    /// <summary>With <c>--sql</c>, SQL is logged only once seeding is over.</summary>
    private static volatile bool sqlLogging;

    public static async Task<int> RunAsync(TriageBenchSettings settings)
    {
        var work = Directory.CreateTempSubdirectory("fc-triage-bench-").FullName;
        Console.WriteLine($"FeedbackConsole triage benchmark · {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz} · {Environment.ProcessorCount} cores · .NET {Environment.Version}");
        Console.WriteLine($"work folder: {work} · load average before: {CpuMeter.LoadAverage()}");
        Console.WriteLine($"data: {settings.Size.Signals:N0} signals, {settings.Size.Cases:N0} cases, {settings.Size.Interactions:N0} interactions, {settings.Size.Clusters:N0} clusters; {settings.Iterations} timed calls per scenario after 10 warm-up calls");
        Console.WriteLine();
        var results = new List<(string Provider, string Scenario, double Median, double P95, double Max)>();
        var exit = 0;
        results.AddRange(await InProcessBench.OnEachProviderAsync(
            work, runSqlite: true, settings.RunPostgres, settings.PostgresServer, settings.Keep,
            (provider, database) => RunProviderAsync(provider, database, work, settings)));

        Console.WriteLine();
        Console.WriteLine("| provider | scenario | median | p95 | max | target < 50 ms (median and p95) |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var r in results)
        {
            var met = r.Median < TargetMs && r.P95 < TargetMs;
            exit |= met ? 0 : 1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Provider} | {r.Scenario} | {r.Median:0.0} ms | {r.P95:0.0} ms | {r.Max:0} ms | {(met ? "yes" : "**no**")} |"));
        }

        Console.WriteLine($"load average after: {CpuMeter.LoadAverage()}");
        return exit;
    }

    private static async Task<List<(string, string, double, double, double)>> RunProviderAsync(
        string provider, Dictionary<string, string?> settings, string work, TriageBenchSettings bench)
    {
        sqlLogging = false;
        Console.WriteLine($"{provider}: seeding");
        await using var services = await InProcessBench.StartCoreAsync(settings, work, bench.LogSql, () => sqlLogging);
        var seeded = await TriageSeeder.SeedAsync(services, bench.Size, Console.WriteLine);

        var me = seeded.Reviewers[0];
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var scenarios = new List<(string Name, Func<IServiceProvider, int, Task> Call)>
        {
            ("queue: default view (open cases by priority)", (sp, _) => Queue(sp, QueueFilter.Default, me)),
            ("queue: one application, New only", (sp, _) => Queue(sp, QueueFilter.Default with { ApplicationId = seeded.Applications[0], Statuses = CaseStatusSet.Of(CaseStatus.New) }, me)),
            ("queue: failure mode factual.error", (sp, _) => Queue(sp, QueueFilter.Default with { FailureMode = "factual.error" }, me)),
            ("queue: assigned to me", (sp, _) => Queue(sp, QueueFilter.Default with { Assignee = AssigneeScope.Mine }, me)),
            ("queue: unassigned with a safety flag", (sp, _) => Queue(sp, QueueFilter.Default with { Assignee = AssigneeScope.Unassigned, Flag = FlagScope.Safety }, me)),
            ("queue: role customer + task refund", (sp, _) => Queue(sp, QueueFilter.Default with { Role = "customer", TaskType = "refund" }, me)),
            ("queue: last 7 days, newest first", (sp, _) => Queue(sp, QueueFilter.Default with { From = today.AddDays(-7), Sort = QueueSort.Age }, me)),
            ("queue: corrections, model gpt-x-2025-06", (sp, _) => Queue(sp, QueueFilter.Default with { Kind = SignalKind.Correction, ModelVersion = "gpt-x-2025-06" }, me)),
            ("queue: the biggest cluster, all statuses", (sp, _) => Queue(sp, QueueFilter.Default with { ClusterId = 1, Statuses = CaseStatusSet.All }, me)),
            ("case detail (random case)", (sp, i) => Detail(sp, 1 + (long)((i * 7919L) % bench.Size.Cases))),
        };

        var rows = new List<(string, string, double, double, double)>();
        sqlLogging = bench.LogSql;
        foreach (var (name, call) in scenarios)
        {
            if (bench.Only is { } only && !name.Contains(only, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            for (var i = 0; i < 10; i++)
            {
                await call(services, i);
            }

            var times = new double[bench.Iterations];
            for (var i = 0; i < bench.Iterations; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await call(services, 100 + i);
                times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            var row = (provider, name, Stats.Median(times), Stats.Percentile(times, 95), times.Max());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {name}: median {row.Item3:0.0} ms, p95 {row.Item4:0.0} ms, max {row.Item5:0} ms"));
            rows.Add(row);
        }

        return rows;
    }

    private static async Task Queue(IServiceProvider services, QueueFilter filter, string userId)
    {
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<QueryQueue>().HandleAsync(filter, userId);
        if (result.Rows.Count == 0 && filter.Assignee != AssigneeScope.Mine)
        {
            throw new InvalidOperationException($"The queue came back empty for {filter.ToQueryString()}: the scenario measures nothing.");
        }
    }

    private static async Task Detail(IServiceProvider services, long caseId)
    {
        await using var scope = services.CreateAsyncScope();
        _ = await scope.ServiceProvider.GetRequiredService<GetCaseDetail>().HandleAsync(caseId)
            ?? throw new InvalidOperationException($"Case {caseId} was not found.");
    }
}
