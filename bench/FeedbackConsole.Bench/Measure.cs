using System.Diagnostics;
using System.Globalization;

namespace FeedbackConsole.Bench;

internal static class Stats
{
    /// <summary>Nearest-rank percentile (p in 0..100) of unsorted values.</summary>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IEnumerable<double> values) => Percentile(values, 50);
}

/// <summary>Where the CPU went during a phase: the app's process, the load generator, and everything else.</summary>
internal sealed record CpuUsage(double WallSeconds, double MachineCores, double AppCores, double BenchCores)
{
    public double OtherCores => Math.Max(0, MachineCores - AppCores - BenchCores);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"app {AppCores:0.00} · load generator {BenchCores:0.00} · rest of machine {OtherCores:0.00} (of {Environment.ProcessorCount} cores)");
}

internal sealed class CpuMeter
{
    private readonly Func<TimeSpan>? _app;
    private readonly long _startTimestamp;
    private readonly long _machineBusyStart;
    private readonly TimeSpan _appStart;
    private readonly TimeSpan _benchStart;

    private CpuMeter(Func<TimeSpan>? app)
    {
        _app = app;
        _startTimestamp = Stopwatch.GetTimestamp();
        _machineBusyStart = MachineBusyTicks();
        _appStart = app?.Invoke() ?? TimeSpan.Zero;
        _benchStart = BenchTime();
    }

    // This process, plus the children it has reaped (wrk, once it exits); the app is a child too but runs on.
    private static TimeSpan BenchTime() => Process.GetCurrentProcess().TotalProcessorTime + ReapedChildrenTime();

    private static TimeSpan ReapedChildrenTime()
    {
        try
        {
            // /proc/self/stat: fields after the ")" of the command name; cutime and cstime are fields 16 and 17.
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>Starts measuring; <paramref name="app"/> reads the app process's CPU time.</summary>
    public static CpuMeter Start(Func<TimeSpan>? app) => new(app);

    public CpuUsage Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds;
        var machine = (MachineBusyTicks() - _machineBusyStart) / 100.0; // USER_HZ is 100 on Linux
        var app = ((_app?.Invoke() ?? TimeSpan.Zero) - _appStart).TotalSeconds;
        var bench = (BenchTime() - _benchStart).TotalSeconds;
        return new CpuUsage(wall, machine / wall, app / wall, bench / wall);
    }

    /// <summary>Busy time of all CPUs in clock ticks, from the first line of /proc/stat (0 where there is none).</summary>
    private static long MachineBusyTicks()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
            return fields.Take(8).Sum() - fields[3] - fields[4];
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
