using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Ingestion;
using FeedbackConsole.Tests.Shared;

namespace FeedbackConsole.E2E.Reliability;

/// <summary>
/// The real app as a child process (<c>dotnet FeedbackConsole.Web.dll</c> from this test's output folder), so that
/// it can be killed like a crashed server: SIGKILL, no shutdown code, no flushing. Restarts reuse the database
/// and the port, so a client keeps its base address across crashes. Configured headlessly with one application
/// and its server key.
/// </summary>
public sealed class ConsoleProcess : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private readonly string _contentRoot = Directory.CreateTempSubdirectory("fc-e2e-process-").FullName;
    private readonly StringBuilder _output = new();
    private Process? _process;

    public ConsoleProcess(TestDatabase database)
    {
        _database = database;
        Address = new Uri($"http://127.0.0.1:{FreePort()}/");
    }

    public string ApiKey { get; } = ApiKeyFormat.Generate(ApiKeyKind.Server);

    public Uri Address { get; }

    public int Starts { get; private set; }

    /// <summary>The connection string the app uses: the test database's, with pooling as a deployment has it.</summary>
    public string ConnectionString => _database.Provider == TestDatabase.Sqlite
        ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(_database.ConnectionString) { Pooling = true }.ToString()
        : _database.ConnectionString;

    /// <summary>Starts the app and returns once <c>/health/ready</c> answers 200 (database reachable, migrations applied).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("The app is already running.");
        }

        var webDll = Path.Combine(AppContext.BaseDirectory, "FeedbackConsole.Web.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _contentRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { webDll, "--urls", Address.GetLeftPart(UriPartial.Authority), "--contentRoot", _contentRoot })
        {
            start.ArgumentList.Add(argument);
        }

        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = _database.Provider,
            ["ConnectionStrings__FeedbackConsole"] = ConnectionString,
            ["Bootstrap__AdminEmail"] = "admin@example.test",
            ["Bootstrap__AdminPassword"] = "correct horse battery staple",
            ["Bootstrap__Application__Name"] = "Crash test",
            ["Bootstrap__Application__ApiKey"] = ApiKey,
            ["Ingestion__PermitsPerSecond"] = "100000",
            ["Ingestion__Burst"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__Console__FormatterName"] = "simple",
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var run = ++Starts;
        process.OutputDataReceived += (_, e) => Append(run, e.Data);
        process.ErrorDataReceived += (_, e) => Append(run, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {process.ExitCode} before it was ready:{Environment.NewLine}{Output}");
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"The app was not ready within 60 s:{Environment.NewLine}{Output}");
            }

            try
            {
                using var ready = await http.GetAsync(new Uri("health/ready", UriKind.Relative), cancellationToken);
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Slow to answer while starting.
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>SIGKILL: the process ends at once, mid-request and mid-transaction, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: false);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Everything the app wrote, by start, for the failure message of a test.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void Append(int run, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append('[').Append(run).Append("] ").AppendLine(line);
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
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_contentRoot, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans the temp folder.
        }
    }
}
