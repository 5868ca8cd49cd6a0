using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace FeedbackConsole.Bench;

/// <summary>
/// The single-signal POST run driven by <c>wrk</c> (closed loop, like <see cref="HttpLoad"/>), which costs the
/// shared two cores far less per request than HttpClient does: at 6,000 req/s HttpClient alone took about a
/// third of a core, CPU the app under test then lacks. A Lua script gives every request a new signal id (the
/// pool's bodies in turn) and checks each answer is 207 with the item accepted.
/// </summary>
internal static class WrkLoad
{
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "wrk"))
            .FirstOrDefault(File.Exists);

    public static async Task<SingleRun> RunSinglesAsync(
        string wrk, Uri address, string apiKey, Workload workload, int connections, TimeSpan warmUp, TimeSpan duration, string run)
    {
        var script = Path.Combine(Path.GetTempPath(), $"fc-bench-{Environment.ProcessId}.lua");
        await File.WriteAllTextAsync(script, Script(apiKey, workload));
        try
        {
            // Ids new in every run (`run` names it): a run that re-sent another's ids would be answered "duplicate",
            // which the script counts as a failure.
            await RunAsync(wrk, script, address, connections, warmUp, $"warm{run}-");
            var (output, stats) = await RunAsync(wrk, script, address, connections, duration, $"one{run}-");
            double Get(string name) => stats.TryGetValue(name, out var v) ? v : throw new InvalidOperationException($"wrk printed no {name}: {output}");
            var requests = (long)Get("requests");
            var failed = (long)Get("failed");
            var errors = (long)Get("socket_errors");
            return new SingleRun(
                "wrk",
                requests,
                TimeSpan.FromMicroseconds(Get("duration_us")),
                Get("p50_us") / 1000,
                Get("p99_us") / 1000,
                Get("max_us") / 1000,
                requests - failed,
                failed + errors,
                failed + errors > 0 ? $"{failed:N0} answers not 207/accepted, {errors:N0} socket errors; first: {FirstFailure(output)}" : null);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static async Task<(string Output, Dictionary<string, double> Stats)> RunAsync(
        string wrk, string script, Uri address, int connections, TimeSpan duration, string prefix)
    {
        var start = new ProcessStartInfo(wrk)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "-t", Math.Min(Environment.ProcessorCount, connections).ToString(CultureInfo.InvariantCulture),
                     "-c", connections.ToString(CultureInfo.InvariantCulture),
                     "-d", $"{(int)Math.Ceiling(duration.TotalSeconds)}s",
                     "--timeout", "30s",
                     "-s", script,
                     address.ToString().TrimEnd('/') + "/api/v1/signals",
                     "--", prefix,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk exited with {process.ExitCode}: {output}");
        }

        var stats = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n').Where(l => l.StartsWith("FCBENCH ", StringComparison.Ordinal)))
        {
            foreach (var pair in line["FCBENCH ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var (name, value) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
                stats[name] = double.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return (output, stats);
    }

    private static string FirstFailure(string output) =>
        output.Split('\n').FirstOrDefault(l => l.StartsWith("FCFAIL ", StringComparison.Ordinal))?["FCFAIL ".Length..] ?? "(none printed)";

    /// <summary>The Lua script: the pool of bodies, a per-thread id counter, the answer check, and a summary line.</summary>
    private static string Script(string apiKey, Workload workload)
    {
        var lua = new StringBuilder();
        lua.AppendLine("local templates = {");
        foreach (var (head, tail) in workload.SingleTemplates)
        {
            if (head.Contains("]==]", StringComparison.Ordinal) || tail.Contains("]==]", StringComparison.Ordinal))
            {
                continue;
            }

            lua.Append("{[==[").Append(head).Append("]==],[==[").Append(tail).AppendLine("]==]},");
        }

        lua.AppendLine("}");
        lua.AppendLine(CultureInfo.InvariantCulture, $"wrk.method = \"POST\"");
        lua.AppendLine("wrk.headers[\"Content-Type\"] = \"application/json\"");
        lua.AppendLine(CultureInfo.InvariantCulture, $"wrk.headers[\"Authorization\"] = \"Bearer {apiKey}\"");
        lua.AppendLine("""
            local threads = {}
            function setup(thread)
              thread:set("tid", #threads)
              table.insert(threads, thread)
            end
            local counter = 0
            failed = 0
            first_failure = nil
            function init(args)
              prefix = args[1] .. tid .. "-"
            end
            function request()
              counter = counter + 1
              local t = templates[(counter % #templates) + 1]
              return wrk.format(nil, nil, nil, t[1] .. prefix .. counter .. t[2])
            end
            function response(status, headers, body)
              if status ~= 207 or not string.find(body, '"accepted"', 1, true) then
                failed = failed + 1
                if first_failure == nil then first_failure = status .. ": " .. string.sub(body, 1, 300) end
              end
            end
            function done(summary, latency, requests)
              local failed_total = 0
              for _, thread in ipairs(threads) do
                failed_total = failed_total + thread:get("failed")
                local first = thread:get("first_failure")
                if first ~= nil then io.write("FCFAIL " .. first .. "\n") end
              end
              local e = summary.errors
              io.write(string.format("FCBENCH requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d failed=%d socket_errors=%d\n",
                summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
                failed_total, e.connect + e.read + e.write + e.timeout))
            end
            """);
        return lua.ToString();
    }
}
