using System.Diagnostics;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Enrichment;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Bench;

internal sealed record EnrichBenchSettings(FileInfo Database, int Interactions, int Repetitions, bool LogSql);

/// <summary>
/// Enrichment's own speed, in process, on a copy of a real database (a capture run's, kept with <c>--keep</c>): the
/// newest N interactions and their signals are marked not enriched, then <see cref="EnrichmentPipeline.RunOnceAsync(CancellationToken)"/>
/// runs until nothing is left — cases updated, clusters chosen and recounted — timed by wall clock and by this
/// process's CPU time. Each repetition starts from a fresh copy.
/// </summary>
internal static class EnrichBench
{
    public static async Task<int> RunAsync(EnrichBenchSettings settings)
    {
        if (!settings.Database.Exists)
        {
            await Console.Error.WriteLineAsync($"No database at {settings.Database.FullName}.");
            return 2;
        }

        Console.WriteLine($"FeedbackConsole enrichment benchmark · {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC · {Environment.ProcessorCount} cores · .NET {Environment.Version}");
        Console.WriteLine($"database: {settings.Database.FullName} · load average before: {CpuMeter.LoadAverage()}");
        var rates = new List<double>();
        var cpuPer = new List<double>();
        for (var repetition = 1; repetition <= settings.Repetitions; repetition++)
        {
            var work = Path.Combine(Path.GetTempPath(), "fc-enrich-bench-" + Path.GetRandomFileName());
            Directory.CreateDirectory(Path.Combine(work, "sqlite"));
            try
            {
                var copy = Path.Combine(work, "sqlite", "feedbackconsole.db");
                await using (var source = new SqliteConnection($"Data Source={settings.Database.FullName};Mode=ReadOnly;Pooling=False"))
                {
                    await source.OpenAsync();
                    await using var target = new SqliteConnection($"Data Source={copy};Pooling=False");
                    await target.OpenAsync();
                    source.BackupDatabase(target);
                }

                var logging = false;
                await using var services = await InProcessBench.StartCoreAsync(new Dictionary<string, string?>
                {
                    ["Database:Provider"] = "Sqlite",
                    ["Database:DataDirectory"] = Path.Combine(work, "sqlite"),
                }, work, settings.LogSql, () => logging);
                var pipeline = services.GetRequiredService<EnrichmentPipeline>();

                // Whatever the capture run left waiting, untimed; then the newest interactions again.
                while (await pipeline.RunOnceAsync() > 0)
                {
                }

                await using (var db = await services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync())
                {
                    var count = settings.Interactions;
                    await db.Database.ExecuteSqlAsync($"""UPDATE "Signals" SET "EnrichedAt" = NULL WHERE "InteractionId" IN (SELECT "Id" FROM "Interactions" ORDER BY "Id" DESC LIMIT {count})""");
                    await db.Database.ExecuteSqlAsync($"""UPDATE "Interactions" SET "EnrichedAt" = NULL WHERE "Id" IN (SELECT "Id" FROM "Interactions" ORDER BY "Id" DESC LIMIT {count})""");
                }

                logging = settings.LogSql;
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                var processed = 0;
                int pass;
                while ((pass = await pipeline.RunOnceAsync()) > 0)
                {
                    processed += pass;
                }

                clock.Stop();
                logging = false;
                var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
                rates.Add(processed / clock.Elapsed.TotalSeconds);
                cpuPer.Add(cpuMs / Math.Max(1, processed));
                Console.WriteLine($"rep {repetition}: {processed:N0} interactions in {clock.Elapsed.TotalSeconds:F2} s = {rates[^1]:N0}/s; CPU {cpuPer[^1]:F2} ms per interaction");
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                Directory.Delete(work, recursive: true);
            }
        }

        Console.WriteLine($"median: {Stats.Median(rates):N0} interactions/s, {Stats.Median(cpuPer):F2} ms CPU per interaction · load average after: {CpuMeter.LoadAverage()}");
        return 0;
    }
}
