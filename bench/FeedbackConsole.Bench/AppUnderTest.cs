using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FeedbackConsole.Bench;

/// <summary>
/// The real FeedbackConsole.Web.dll (Release) in a process of its own, configured headlessly: one application
/// with a known server key, and a rate limit far above anything the benchmark sends.
/// </summary>
internal sealed class AppUnderTest : IAsyncDisposable
{
    public const string ApiKey = "fc_live_BenchBenchBenchBenchBenchBench01";

    private readonly Process _process;
    private readonly StreamWriter _log;

    private AppUnderTest(Process process, StreamWriter log, Uri address)
    {
        _process = process;
        _log = log;
        Address = address;
    }

    public Uri Address { get; }

    public Process Process => _process;

    public static async Task<AppUnderTest> StartAsync(string webDll, string workDirectory, IReadOnlyDictionary<string, string> settings)
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { webDll, "--urls", $"http://127.0.0.1:{port}", "--contentRoot", workDirectory })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Bootstrap__AdminEmail"] = "bench@example.test";
        start.Environment["Bootstrap__AdminPassword"] = "bench admin password";
        start.Environment["Bootstrap__Application__Name"] = "Benchmark";
        start.Environment["Bootstrap__Application__ApiKey"] = ApiKey;
        start.Environment["Ingestion__PermitsPerSecond"] = "1000000";
        start.Environment["Ingestion__Burst"] = "1000000";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var log = new StreamWriter(Path.Combine(workDirectory, "app.log"), append: true) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var app = new AppUnderTest(process, log, address);
        try
        {
            await app.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    /// <summary>CPU time the app's process has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with code {_process.ExitCode} before it was ready. Its output ends:{Environment.NewLine}{LogTail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("health/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Starting slowly on a loaded machine.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The app was not ready within {timeout.TotalSeconds} s. Its output ends:{Environment.NewLine}{LogTail()}");
    }

    private string LogTail()
    {
        _process.WaitForExit(1000);
        lock (_log)
        {
            _log.Flush();
        }

        var lines = File.ReadAllLines(Path.Combine(_process.StartInfo.WorkingDirectory, "app.log"));
        return string.Join(Environment.NewLine, lines.TakeLast(30));
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }
}
