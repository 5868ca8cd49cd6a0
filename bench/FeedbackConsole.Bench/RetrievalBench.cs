using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;

namespace FeedbackConsole.Bench;

internal sealed record RetrievalBenchSettings(int Docs, int Queries, int Clients, int Cases, int GateRepetitions);

/// <summary>
/// Issue 5's speed targets for the retrieval engine itself, in process (bench/README.md, "Retrieval speed"): search
/// p99 &lt; 5 ms over a 100k-entry release, alone and with 32 concurrent clients, and a gate run of 1,000 eval cases
/// (live vs candidate, both 100k entries) &lt; 5 s. Also the index's build time and memory.
/// </summary>
internal static class RetrievalBench
{
    private const double SearchTargetMs = 5;
    private const double GateTargetMs = 5000;
    private const int K = 5;

    public static int Run(RetrievalBenchSettings settings)
    {
        Console.WriteLine($"FeedbackConsole retrieval benchmark · {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz} · {Environment.ProcessorCount} cores · .NET {Environment.Version} · server GC {System.Runtime.GCSettings.IsServerGC}");
        Console.WriteLine($"load average before: {CpuMeter.LoadAverage()}");
        var rows = new List<(string What, string Value, string Target)>();

        // Corpus and index.
        var corpus = new SupportCorpus(seed: 1);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var docs = corpus.Documents(settings.Docs, seed: 2);
        var corpusBytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        var clock = Stopwatch.StartNew();
        var index = RetrievalIndex.Build(docs);
        var buildMs = clock.Elapsed.TotalMilliseconds;
        var indexBytes = GC.GetTotalMemory(forceFullCollection: true) - before - corpusBytes;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"corpus: {docs.Count:N0} documents, {corpusBytes / 1048576.0:0.0} MB of records and strings; index: {index.TermCount:N0} terms, {index.PostingCount:N0} postings, built in {buildMs:0} ms, {indexBytes / 1048576.0:0.0} MB measured on the heap ({index.EstimatedIndexBytes / 1048576.0:0.0} MB estimated by the index)"));
        rows.Add(("index build", Ms(buildMs), ""));
        rows.Add(("index memory (heap, without the documents' text)", string.Create(CultureInfo.InvariantCulture, $"{indexBytes / 1048576.0:0.0} MB"), ""));

        // Queries.
        var queries = corpus.Queries(docs, settings.Queries, seed: 3);
        var texts = queries.Select(q => q.Query).ToArray();
        var hitCount = 0L;
        foreach (var query in texts.Take(Math.Min(3000, texts.Length)))
        {
            hitCount += index.Search(query, K).Count; // warm-up: JIT tiers, thread-static scratch
        }

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var single = Time(index, texts);
        var allocatedPerQuery = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)texts.Length;
        Report("1 client", single, rows, texts.Length);
        foreach (var kind in queries.Select(q => q.Kind).Distinct())
        {
            var ofKind = Enumerable.Range(0, queries.Count).Where(i => queries[i].Kind == kind).ToArray();
            var wall = ofKind.Select(i => single.Latencies[i]).ToArray();
            var cpuMs = ofKind.Select(i => single.CpuMs![i]).ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {kind} ({ofKind.Length:N0}): wall p50 {Stats.Percentile(wall, 50):0.000} ms, p99 {Stats.Percentile(wall, 99):0.000} ms, max {wall.Max():0.000} ms; CPU p50 {Stats.Percentile(cpuMs, 50):0.000} ms, p99 {Stats.Percentile(cpuMs, 99):0.000} ms, mean {cpuMs.Average():0.000} ms"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    allocated per search: {allocatedPerQuery:0} bytes"));

        var cpu = CpuMeter.Start(null);
        var pooled = TimePooled(index, texts, settings.Clients);
        var usage = cpu.Stop();
        Report($"{settings.Clients} clients, {Environment.ProcessorCount} workers", pooled, rows, texts.Length);
        Console.WriteLine($"    CPU during the run: {usage}");

        cpu = CpuMeter.Start(null);
        var threads = TimeThreads(index, texts, settings.Clients);
        usage = cpu.Stop();
        Report($"{settings.Clients} clients on {settings.Clients} threads", threads, rows, texts.Length);
        Console.WriteLine($"    CPU during the run: {usage}");

        // Gate: live vs candidate, both ~100k entries.
        var random = new Random(4);
        var candidateDocs = new List<RetrievalDocument>(docs.Count);
        foreach (var doc in docs)
        {
            var roll = random.NextDouble();
            if (roll < 0.005)
            {
                continue; // retired
            }

            candidateDocs.Add(roll < 0.015 ? corpus.Document(random, doc.EntryId, doc.RevisionNumber + 1) : doc); // 1% revised
        }

        for (var i = 0; i < docs.Count / 200; i++)
        {
            candidateDocs.Add(corpus.Document(random, Guid.NewGuid())); // 0.5% added
        }

        clock.Restart();
        var candidate = RetrievalIndex.Build(candidateDocs);
        var candidateBuildMs = clock.Elapsed.TotalMilliseconds;
        var cases = Enumerable.Range(0, settings.Cases).Select(i =>
        {
            // As a reviewer writes one: the entry's title words and a few words of its content.
            var doc = docs[random.Next(docs.Count)];
            var query = $"{doc.Title} {SupportCorpus.WordsOf(doc.Content, random, random.Next(2, 4))}";
            return i % 10 == 0
                ? new EvalCaseSpec(Guid.NewGuid(), EvalCaseKind.Retrieval, query, [], SupportCorpus.WordsOf(doc.Content, random, 3), null, null, null)
                : new EvalCaseSpec(Guid.NewGuid(), EvalCaseKind.Retrieval, query, [doc.EntryId], null, null, null, null);
        }).ToList();
        var thresholds = new GateThresholds(MinRecallAtK: 0.8, MinMrr: 0.7, MinPassRate: 0.8, MaxRegressions: 0);
        var gateMs = new List<double>();
        GateComparison? comparison = null;
        GateVerdict? verdict = null;
        for (var r = 0; r < settings.GateRepetitions; r++)
        {
            clock.Restart();
            var liveRun = EvalRunner.Run(index, null, cases, K);
            var candidateRun = EvalRunner.Run(candidate, null, cases, K);
            comparison = GateComparison.Compare(liveRun, candidateRun);
            verdict = thresholds.Evaluate(comparison);
            gateMs.Add(clock.Elapsed.TotalMilliseconds);
        }

        var metrics = comparison!.Candidate.Metrics;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"gate, {cases.Count:N0} retrieval cases, live {docs.Count:N0} vs candidate {candidateDocs.Count:N0} entries: median {Stats.Median(gateMs):0} ms, max {gateMs.Max():0} ms over {gateMs.Count} runs; candidate index built in {candidateBuildMs:0} ms; candidate recall@{K} {metrics.RecallAtK:0.000}, MRR {metrics.Mrr:0.000}, pass rate {metrics.PassRate:0.000}; {comparison.Regressions.Count} regressions, {comparison.Fixes.Count} fixes; verdict: {(verdict!.Passed ? "passed" : string.Join("; ", verdict.Reasons))}"));
        rows.Add(($"gate run, {cases.Count:N0} retrieval cases × 2 releases (median)", Ms(Stats.Median(gateMs)), Met(Stats.Median(gateMs), GateTargetMs)));
        rows.Add(("gate run + building the candidate's index", Ms(Stats.Median(gateMs) + candidateBuildMs), Met(Stats.Median(gateMs) + candidateBuildMs, GateTargetMs)));

        // Guard gate: 200 rules, 1,000 outputs.
        var (guardMs, guardCaught) = GuardGate(corpus, settings.Cases, settings.GateRepetitions);
        rows.Add(($"guard gate, {settings.Cases:N0} outputs × 200 rules × 2 releases (median)", Ms(guardMs), Met(guardMs, GateTargetMs)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"guard gate: median {guardMs:0} ms; {guardCaught:N0} of {settings.Cases:N0} outputs caught"));

        Console.WriteLine();
        Console.WriteLine("| measure | value | target |");
        Console.WriteLine("| --- | --- | --- |");
        foreach (var (what, value, target) in rows)
        {
            Console.WriteLine($"| {what} | {value} | {target} |");
        }

        Console.WriteLine();
        Console.WriteLine($"load average after: {CpuMeter.LoadAverage()} · hits returned in warm-up: {hitCount:N0}");
        return 0;
    }

    private sealed record Timing(double[] Latencies, double WallMs)
    {
        /// <summary>CPU time of this thread per search, where measured: the engine's own cost, whatever else the machine runs.</summary>
        public double[]? CpuMs { get; init; }
    }

    private static Timing Time(RetrievalIndex index, string[] queries)
    {
        var latencies = new double[queries.Length];
        var cpu = new double[queries.Length];
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < queries.Length; i++)
        {
            var cpuStart = ThreadCpu.Now();
            var start = Stopwatch.GetTimestamp();
            index.Search(queries[i], K);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            cpu[i] = (ThreadCpu.Now() - cpuStart) / 1e6;
        }

        return new Timing(latencies, wall.Elapsed.TotalMilliseconds) { CpuMs = cpu };
    }

    // As a web server on this machine serves them: 32 clients in a closed loop (each sends its next search when its
    // last one is answered) and one worker per core taking searches from a shared queue. A latency is the client's:
    // from sending to the answer, the wait for a free worker included.
    private static Timing TimePooled(RetrievalIndex index, string[] queries, int clients)
    {
        var latencies = new double[queries.Length];
        var queue = new ConcurrentQueue<(int Query, long Sent)>();
        var issued = Math.Min(clients, queries.Length);
        var sent = Stopwatch.GetTimestamp();
        for (var i = 0; i < issued; i++)
        {
            queue.Enqueue((i, sent));
        }

        var done = 0;
        var wall = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(() =>
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref done) < queries.Length)
            {
                if (!queue.TryDequeue(out var request))
                {
                    spin.SpinOnce();
                    continue;
                }

                index.Search(queries[request.Query], K);
                var now = Stopwatch.GetTimestamp();
                latencies[request.Query] = Stopwatch.GetElapsedTime(request.Sent, now).TotalMilliseconds;
                Interlocked.Increment(ref done);
                var next = Interlocked.Increment(ref issued) - 1;
                if (next < queries.Length)
                {
                    queue.Enqueue((next, now)); // the same client's next search
                }
            }
        })
        { IsBackground = true }).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        return new Timing(latencies, wall.Elapsed.TotalMilliseconds);
    }

    // The harsher reading: 32 threads searching at once, so the OS time-slices them over the cores and a search can
    // be descheduled midway for as long as the other 31 threads run.
    private static Timing TimeThreads(RetrievalIndex index, string[] queries, int clients)
    {
        var latencies = new double[queries.Length];
        using var ready = new Barrier(clients + 1);
        var threads = Enumerable.Range(0, clients).Select(c => new Thread(() =>
        {
            ready.SignalAndWait();
            for (var i = c; i < queries.Length; i += clients)
            {
                var start = Stopwatch.GetTimestamp();
                index.Search(queries[i], K);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        })
        { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        ready.SignalAndWait();
        var wall = Stopwatch.StartNew();
        threads.ForEach(t => t.Join());
        return new Timing(latencies, wall.Elapsed.TotalMilliseconds);
    }

    private static void Report(string name, Timing timing, List<(string, string, string)> rows, int count)
    {
        var p50 = Stats.Percentile(timing.Latencies, 50);
        var p95 = Stats.Percentile(timing.Latencies, 95);
        var p99 = Stats.Percentile(timing.Latencies, 99);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"search, {name}: {count:N0} searches (k={K}) in {timing.WallMs / 1000:0.00} s = {count / (timing.WallMs / 1000):N0}/s; p50 {p50:0.000} ms, p95 {p95:0.000} ms, p99 {p99:0.000} ms, max {timing.Latencies.Max():0.0} ms"));
        if (timing.CpuMs is { } cpu)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    CPU time per search (this thread's, unaffected by other processes): p50 {Stats.Percentile(cpu, 50):0.000} ms, p95 {Stats.Percentile(cpu, 95):0.000} ms, p99 {Stats.Percentile(cpu, 99):0.000} ms, mean {cpu.Average():0.000} ms"));
            rows.Add(($"search CPU time p50 / p95 / p99, {name}", string.Create(CultureInfo.InvariantCulture,
                $"{Stats.Percentile(cpu, 50):0.000} / {Stats.Percentile(cpu, 95):0.000} / {Stats.Percentile(cpu, 99):0.000} ms"), ""));
        }

        rows.Add(($"search p50 / p95 / p99, {name}", string.Create(CultureInfo.InvariantCulture, $"{p50:0.000} / {p95:0.000} / {p99:0.000} ms"), Met(p99, SearchTargetMs, "p99 ")));
        rows.Add(($"searches per second, {name}", string.Create(CultureInfo.InvariantCulture, $"{count / (timing.WallMs / 1000):N0}"), ""));
    }

    private static (double MedianMs, int Caught) GuardGate(SupportCorpus corpus, int cases, int repetitions)
    {
        var random = new Random(5);
        var rules = new List<GuardRule>();
        for (var i = 0; i < 200; i++)
        {
            var (type, pattern) = (i % 4) switch
            {
                0 => (GuardRuleType.ForbiddenPattern, $@"\b{corpus.WordOfRank(200 + i)}\s+\w+\s+{corpus.WordOfRank(300 + i)}\b"),
                1 => (GuardRuleType.ForbiddenPattern, @"\b(?:\d[ -]?){15}\d\b"),
                2 => (GuardRuleType.ForbiddenPhrase, $"{corpus.WordOfRank(100 + i)} {corpus.WordOfRank(120 + i)}"),
                _ => (GuardRuleType.RequiredDisclaimer, $"answers may contain mistakes {i}"),
            };
            rules.Add(new GuardRule(Guid.NewGuid(), Guid.NewGuid(), $"rule {i}", type, pattern, "", i % 8 == 3 ? null : $"task{i % 5}"));
        }

        var live = GuardSet.Build(rules);
        var candidate = GuardSet.Build(rules.Skip(1));
        var specs = Enumerable.Range(0, cases).Select(i => new EvalCaseSpec(
            Guid.NewGuid(), EvalCaseKind.Guard, null, [], null, $"task{i % 5}", corpus.Sentence(random, random.Next(40, 120)), i % 3 == 0)).ToList();
        var times = new List<double>();
        var caught = 0;
        for (var r = 0; r < repetitions; r++)
        {
            var clock = Stopwatch.StartNew();
            var liveRun = EvalRunner.Run(null, live, specs, K);
            var candidateRun = EvalRunner.Run(null, candidate, specs, K);
            _ = GateComparison.Compare(liveRun, candidateRun);
            times.Add(clock.Elapsed.TotalMilliseconds);
            caught = candidateRun.Cases.Count(c => c.Violations.Count > 0);
        }

        return (Stats.Median(times), caught);
    }

    private static string Ms(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms:0} ms");

    private static string Met(double value, double target, string prefix = "") =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}< {target:0} ms: {(value < target ? "yes" : "**no**")}");
}

/// <summary>This thread's CPU time (Linux CLOCK_THREAD_CPUTIME_ID), in nanoseconds.</summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTime = 3;

    public static long Now() => ClockGetTime(ClockThreadCpuTime, out var time) == 0 ? (time.Seconds * 1_000_000_000) + time.Nanoseconds : 0;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
