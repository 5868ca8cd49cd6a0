using System.Diagnostics;
using System.Globalization;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Impact;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Bench;

internal sealed record ImpactBenchSettings(
    string? PostgresServer, bool RunPostgres, int Iterations, TriageSize Size, bool Keep, bool RunSqlite = true, string? Only = null, bool LogSql = false);

/// <summary>
/// Issue 6's speed target: with 1M signals over 90 days loaded (the triage seeder's data set, plus releases with
/// corrections and their serving tallies), all of the impact dashboard's data — one <see cref="GetImpactDashboard"/>
/// call, as the page makes it — in &lt; 200 ms of server time, median and p95, on SQLite and PostgreSQL. Also times
/// building the rollups from scratch and the incremental pass after 1,000 late signals for a day 60 days ago.
/// </summary>
internal static class ImpactBench
{
    private const double TargetMs = 200;

    /// <summary>With <c>--sql</c>, SQL is logged only while the dashboard scenarios run.</summary>
    private static volatile bool sqlLogging;

    public static async Task<int> RunAsync(ImpactBenchSettings settings)
    {
        var work = Directory.CreateTempSubdirectory("fc-impact-bench-").FullName;
        Console.WriteLine($"FeedbackConsole impact benchmark · {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz} · {Environment.ProcessorCount} cores · .NET {Environment.Version}");
        Console.WriteLine($"work folder: {work} · load average before: {CpuMeter.LoadAverage()}");
        Console.WriteLine($"data: {settings.Size.Signals:N0} signals, {settings.Size.Cases:N0} cases over 90 days; {settings.Iterations} timed calls per scenario after 5 warm-up calls");
        var results = new List<(string Provider, string Scenario, double Median, double P95, double Max)>();
        var exit = 0;
        results.AddRange(await InProcessBench.OnEachProviderAsync(
            work, settings.RunSqlite, settings.RunPostgres, settings.PostgresServer, settings.Keep,
            (provider, database) => RunProviderAsync(provider, database, work, settings)));

        Console.WriteLine();
        Console.WriteLine("| provider | scenario | median | p95 | max | target < 200 ms (median and p95) |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var r in results)
        {
            var timing = r.Scenario.StartsWith("rollup", StringComparison.Ordinal);
            var met = timing || (r.Median < TargetMs && r.P95 < TargetMs);
            exit |= met ? 0 : 1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Provider} | {r.Scenario} | {r.Median:0.0} ms | {r.P95:0.0} ms | {r.Max:0} ms | {(timing ? "(one run)" : met ? "yes" : "**no**")} |"));
        }

        Console.WriteLine($"load average after: {CpuMeter.LoadAverage()}");
        return exit;
    }

    private static async Task<List<(string, string, double, double, double)>> RunProviderAsync(
        string provider, Dictionary<string, string?> settings, string work, ImpactBenchSettings bench)
    {
        Console.WriteLine($"{provider}: seeding");
        settings["Impact:SettleTime"] = "00:00:00";
        await using var services = await InProcessBench.StartCoreAsync(settings, work, bench.LogSql, () => sqlLogging);
        var seeded = await TriageSeeder.SeedAsync(services, bench.Size, Console.WriteLine);
        var app = seeded.Applications[0];
        await SeedReleasesAsync(services, app);

        var rows = new List<(string, string, double, double, double)>();
        var rollup = services.GetRequiredService<ImpactRollup>();
        var clock = Stopwatch.StartNew();
        var days = await rollup.RefreshAsync();
        var build = clock.Elapsed.TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    rollups built from scratch: {days:N0} application-days in {build / 1000:0.0} s"));
        rows.Add((provider, "rollup: build from scratch", build, build, build));
        await using (var db = await services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync())
        {
            // Planner statistics for the new rollup tables, as autovacuum (PostgreSQL) or PRAGMA optimize would keep them.
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
            await db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql() ? "VACUUM ANALYZE" : "ANALYZE");
        }

        var late = await AddLateSignalsAsync(services, app, 1_000);
        clock.Restart();
        var lateDays = await rollup.RefreshAsync();
        var incremental = clock.Elapsed.TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    1,000 late signals for {late:yyyy-MM-dd}: {lateDays} day(s) recomputed in {incremental:0} ms"));
        rows.Add((provider, "rollup: pass after 1,000 late signals", incremental, incremental, incremental));

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var scenarios = new List<(string Name, ImpactFilter Filter)>
        {
            ("dashboard: last 30 days (default view)", new ImpactFilter(app, today.AddDays(-29), today)),
            ("dashboard: last 90 days", new ImpactFilter(app, today.AddDays(-89), today)),
            ("dashboard: 90 days, model gpt-x-2025-06", new ImpactFilter(app, today.AddDays(-89), today, ModelVersion: "gpt-x-2025-06")),
            ("dashboard: 30 days, role customer + task refund", new ImpactFilter(app, today.AddDays(-29), today, Role: "customer", TaskType: "refund")),
            ("dashboard: 90 days, role agent", new ImpactFilter(app, today.AddDays(-89), today, Role: "agent")),
            ("dashboard: 90 days, role customer + task refund", new ImpactFilter(app, today.AddDays(-89), today, Role: "customer", TaskType: "refund")),
        };
        sqlLogging = bench.LogSql;
        foreach (var (name, filter) in scenarios)
        {
            if (bench.Only is { } only && !name.Contains(only, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            for (var i = 0; i < 5; i++)
            {
                await LoadAsync(services, filter);
            }

            var times = new double[bench.Iterations];
            for (var i = 0; i < bench.Iterations; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await LoadAsync(services, filter);
                times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            var row = (provider, name, Stats.Median(times), Stats.Percentile(times, 95), times.Max());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {name}: median {row.Item3:0.0} ms, p95 {row.Item4:0.0} ms, max {row.Item5:0} ms"));
            rows.Add(row);
        }

        return rows;
    }

    private static async Task LoadAsync(IServiceProvider services, ImpactFilter filter)
    {
        await using var scope = services.CreateAsyncScope();
        var d = await scope.ServiceProvider.GetRequiredService<GetImpactDashboard>().HandleAsync(filter);
        if (!d.HasSignals)
        {
            throw new InvalidOperationException($"The dashboard came back empty for {filter.ToQueryString()}: the scenario measures nothing.");
        }
    }

    /// <summary>A knowledge base with 6 releases over the 90 days, 40 corrections from cases and hourly serving tallies since each went Live.</summary>
    private static async Task SeedReleasesAsync(IServiceProvider services, Guid app)
    {
        var contexts = services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(5));
        var now = DateTimeOffset.UtcNow;
        var author = await db.Users.Select(u => u.Id).FirstAsync();
        var kb = new KnowledgeBase { Id = Guid.NewGuid(), ApplicationId = app, Key = "support-facts", Name = "Support facts", Kind = KnowledgeBaseKind.Facts, CreatedAt = now.AddDays(-100), UpdatedAt = now, Version = Guid.NewGuid() };
        db.KnowledgeBases.Add(kb);
        var caseIds = await db.Cases.Where(c => c.ApplicationId == app).OrderBy(c => c.Id).Select(c => c.Id).Take(40).ToListAsync();
        var releases = Enumerable.Range(1, 6).Select(n => new Release
        {
            Id = Guid.NewGuid(), KnowledgeBaseId = kb.Id, Number = n, State = n == 6 ? ReleaseState.Live : ReleaseState.Superseded, CreatedById = author,
            CreatedAt = now.AddDays(-90 + (n * 14)), LiveAt = now.AddDays(-90 + (n * 14)).AddHours(1), EndedAt = n == 6 ? null : now.AddDays(-90 + ((n + 1) * 14)), Version = Guid.NewGuid(),
        }).ToList();
        db.Releases.AddRange(releases);
        var tallies = new List<EntryServingTally>();
        for (var i = 0; i < caseIds.Count; i++)
        {
            var entry = new KnowledgeEntry { Id = Guid.NewGuid(), KnowledgeBaseId = kb.Id, Title = $"Correction {i}", CreatedById = author, CreatedAt = now.AddDays(-90), UpdatedAt = now };
            var revision = new EntryRevision
            {
                Id = Guid.NewGuid(), EntryId = entry.Id, KnowledgeBaseId = kb.Id, Number = 1, Change = RevisionChange.Create, State = RevisionState.Approved, Title = entry.Title,
                Content = "Corrected.", Summary = "bench", AuthorId = author, CreatedAt = now.AddDays(-90), Sources = [new RevisionSource { CaseId = caseIds[i] }],
            };
            entry.ApprovedRevisionId = revision.Id;
            db.AddRange(entry, revision);
            var first = i % releases.Count;
            foreach (var release in releases.Skip(first))
            {
                db.ReleaseEntries.Add(new ReleaseEntry { ReleaseId = release.Id, EntryId = entry.Id, RevisionId = revision.Id });
                var end = release.EndedAt ?? now;
                for (var hour = release.LiveAt!.Value; hour < end; hour = hour.AddHours(1))
                {
                    tallies.Add(new EntryServingTally
                    {
                        ReleaseId = release.Id, EntryId = entry.Id, RevisionId = revision.Id, KnowledgeBaseId = kb.Id, ApplicationId = app,
                        Hour = new DateTimeOffset(hour.UtcDateTime.Date, TimeSpan.Zero).AddHours(hour.Hour), Count = 1 + (i % 7),
                    });
                }
            }
        }

        await db.SaveChangesAsync();
        foreach (var chunk in tallies.Chunk(20_000))
        {
            await using var batch = await contexts.CreateDbContextAsync();
            batch.EntryServingTallies.AddRange(chunk);
            await batch.SaveChangesAsync();
        }

        Console.WriteLine($"    + 6 releases, {caseIds.Count} corrections, {tallies.Count:N0} serving tallies");
    }

    /// <summary>Signals that occurred 60 days ago and arrive (are enriched) now: the rollup must correct that old day.</summary>
    private static async Task<DateOnly> AddLateSignalsAsync(IServiceProvider services, Guid app, int count)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync();
        var now = DateTimeOffset.UtcNow.AddSeconds(-1);
        var day = now.AddDays(-60);
        var turn = await db.Interactions.Where(i => i.ApplicationId == app).OrderBy(i => i.Id).Select(i => new { i.Id, i.ExternalId }).FirstAsync();
        db.Signals.AddRange(Enumerable.Range(0, count).Select(n => new Signal
        {
            ApplicationId = app, ExternalId = $"late-{n}", InteractionExternalId = turn.ExternalId, InteractionId = turn.Id, Kind = SignalKind.Thumb, ThumbUp = n % 3 == 0,
            OccurredAt = day, ReceivedAt = now, EnrichedAt = now, ContentHash = "late",
        }));
        await db.SaveChangesAsync();
        return DateOnly.FromDateTime(day.UtcDateTime);
    }
}
