using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace FeedbackConsole.Bench;

/// <summary>One timed run of batches: how long it took, each batch's latency, and how the server answered.</summary>
internal sealed record BatchRun(TimeSpan Elapsed, double[] LatenciesMs, long Accepted, long OtherItems, int FailedRequests, string? FirstFailure)
{
    public double SignalsPerSecond => Accepted / Elapsed.TotalSeconds;
}

/// <summary>One timed run of single-signal POSTs at a fixed number of connections, and which load generator made it.</summary>
internal sealed record SingleRun(
    string Generator, long Requests, TimeSpan Elapsed, double P50Ms, double P99Ms, double MaxMs, long Accepted, long Failed, string? FirstFailure)
{
    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;
}

/// <summary>
/// A closed-loop load generator on HttpClient: bodies are built before the clock starts, so a request costs
/// the generator little more than its bytes on the socket. HTTP/1.1 with keep-alive, one connection per
/// request in flight.
/// </summary>
internal static class HttpLoad
{
    public static HttpClient CreateClient(Uri address, int connections) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(60),
            DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", AppUnderTest.ApiKey) },
        };

    public static async Task<HttpResponseMessage> PostAsync(HttpClient http, string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
    }

    /// <summary>Sends every body with <paramref name="concurrency"/> requests in flight and counts the answers.</summary>
    public static async Task<BatchRun> RunBatchesAsync(HttpClient http, string path, IReadOnlyList<byte[]> bodies, int concurrency)
    {
        var latencies = new double[bodies.Count];
        long accepted = 0, other = 0;
        var failed = 0;
        string? firstFailure = null;
        var next = -1;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Count)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await PostAsync(http, path, bodies[i]);
                var body = await response.Content.ReadAsByteArrayAsync();
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if ((int)response.StatusCode != 207)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstFailure, $"{(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}", null);
                    continue;
                }

                var (ok, rest) = CountAccepted(body);
                Interlocked.Add(ref accepted, ok);
                Interlocked.Add(ref other, rest);
                if (rest > 0)
                {
                    Interlocked.CompareExchange(ref firstFailure, "items not accepted: " + System.Text.Encoding.UTF8.GetString(body)[..Math.Min(body.Length, 600)], null);
                }
            }
        })).ToList();
        await Task.WhenAll(workers);
        return new BatchRun(clock.Elapsed, latencies, accepted, other, failed, firstFailure);
    }

    /// <summary>
    /// <paramref name="connections"/> senders POST one new signal each, back to back, for warm-up plus
    /// duration; only requests started and finished inside the measured window count.
    /// </summary>
    public static async Task<SingleRun> RunSinglesAsync(HttpClient http, Workload workload, string prefix, int connections, TimeSpan warmUp, TimeSpan duration)
    {
        var frequency = (double)Stopwatch.Frequency;
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmUp.TotalSeconds * frequency);
        var measureTo = measureFrom + (long)(duration.TotalSeconds * frequency);
        long accepted = 0, failed = 0;
        string? firstFailure = null;
        var counter = -1L;
        var perWorker = new List<double>[connections];
        var workers = Enumerable.Range(0, connections).Select(w => Task.Run(async () =>
        {
            var mine = perWorker[w] = new List<double>(64 * 1024);
            while (Stopwatch.GetTimestamp() < measureTo)
            {
                var n = Interlocked.Increment(ref counter);
                var body = workload.SingleSignal(n, $"{prefix}{n}");
                var started = Stopwatch.GetTimestamp();
                using var response = await PostAsync(http, "api/v1/signals", body);
                var answer = await response.Content.ReadAsByteArrayAsync();
                var ended = Stopwatch.GetTimestamp();
                var ok = (int)response.StatusCode == 207 && answer.AsSpan().IndexOf("\"accepted\""u8) >= 0;
                if (started < measureFrom || ended > measureTo)
                {
                    continue;
                }

                mine.Add((ended - started) * 1000.0 / frequency);
                if (ok)
                {
                    Interlocked.Increment(ref accepted);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstFailure, $"{(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(answer)}", null);
                }
            }
        })).ToList();
        await Task.WhenAll(workers);
        double[] latencies = [.. perWorker.SelectMany(l => l)];
        return new SingleRun(
            "HttpClient", latencies.Length, duration, Stats.Median(latencies), Stats.Percentile(latencies, 99), latencies.DefaultIfEmpty().Max(),
            accepted, failed, firstFailure);
    }

    /// <summary>Items answered accepted, and items answered anything else, in a 207 body.</summary>
    public static (long Accepted, long Other) CountAccepted(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        long accepted = 0, other = 0;
        foreach (var result in document.RootElement.GetProperty("results").EnumerateArray())
        {
            if (result.GetProperty("status").ValueEquals("accepted"u8))
            {
                accepted++;
            }
            else
            {
                other++;
            }
        }

        return (accepted, other);
    }
}
