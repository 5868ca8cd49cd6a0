using System.Globalization;
using FeedbackConsole.Core.Features.Impact;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;

namespace FeedbackConsole.Web.Components.Pages.Impact;

/// <summary>One chart of the dashboard: what it shows, its traces and layout, or why it is empty and what to do.</summary>
public sealed record ImpactChartModel(
    string Id, string Title, string Caption, IList<ITrace> Data, Plotly.Blazor.Layout Layout, string? Empty, string CsvChart, string? Note = null);

/// <summary>Shapes the dashboard's data into Plotly traces (pure functions, tested with bunit).</summary>
public static class ImpactCharts
{
    public const int Height = 300;

    private static readonly string[] Palette = ["#3b5bdb", "#e8590c", "#2b8a3e", "#ae3ec9", "#1098ad", "#f08c00", "#c2255c", "#5c940d", "#4263eb", "#868e96", "#d6336c"];

    public static IReadOnlyList<ImpactChartModel> All(ImpactDashboard d) =>
        [NegativeRate(d), Volume(d), Pareto(d), CaseTimes(d), Corrections(d), ByVersion(d, model: true), ByVersion(d, model: false)];

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static List<object> Days(ImpactDashboard d) => [.. d.Days.Select(Day)];

    private static List<object> Weeks(ImpactDashboard d) => [.. d.Weeks.Select(Day)];

    public static ImpactChartModel Volume(ImpactDashboard d)
    {
        var data = d.Volume.Select((k, i) => (ITrace)new Bar
        {
            Name = k.Kind.ToString().ToLowerInvariant(),
            X = Days(d),
            Y = [.. k.Counts.Cast<object>()],
            Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = Palette[(int)k.Kind % Palette.Length] },
        }).ToList();
        var layout = BaseLayout("Signals");
        layout.BarMode = BarModeEnum.Stack;
        return new ImpactChartModel(
            "chart-volume", "Signal volume by kind", "Feedback received per UTC day, stacked by kind: a taller bar is more feedback, the colours show what kind.",
            data, layout, d.HasSignals ? null : "No feedback in this period. Widen the dates, or connect an application that sends signals (see The API for applications).",
            ImpactCsv.Volume);
    }

    public static ImpactChartModel NegativeRate(ImpactDashboard d)
    {
        var data = new List<ITrace>
        {
            new Scatter
            {
                Name = "all feedback", Mode = ModeFlag.Lines | ModeFlag.Markers, X = Days(d), Y = [.. d.NegativeRate.Select(r => (object?)r)!],
                Line = new Plotly.Blazor.Traces.ScatterLib.Line { Width = 3, Color = "#212529" }, ConnectGaps = false,
            },
        };
        data.AddRange(d.NegativeRateByMode.Select((m, i) => (ITrace)new Scatter
        {
            Name = m.Name, Mode = ModeFlag.Lines, X = Days(d), Y = [.. m.Rates.Select(r => (object?)r)!],
            Line = new Plotly.Blazor.Traces.ScatterLib.Line { Width = 1.5m, Color = Palette[i % Palette.Length] },
        }));
        var layout = BaseLayout("Negative share");
        layout.YAxis[0].TickFormat = ".0%";
        layout.YAxis[0].RangeMode = Plotly.Blazor.LayoutLib.YAxisLib.RangeModeEnum.ToZero;
        layout.Shapes = [.. d.Releases.Select(r => new Shape
        {
            Type = Plotly.Blazor.LayoutLib.ShapeLib.TypeEnum.Line, X0 = Day(ImpactRollup.DayOf(r.At)), X1 = Day(ImpactRollup.DayOf(r.At)), Y0 = 0, Y1 = 1,
            YRef = "paper", Line = new Plotly.Blazor.LayoutLib.ShapeLib.Line { Color = "#868e96", Width = 1.5m, Dash = "dash" },
        })];
        layout.Annotations = [.. d.Releases.Select(r => new Annotation
        {
            X = Day(ImpactRollup.DayOf(r.At)), Y = 1, YRef = "paper", Text = r.Label, ShowArrow = false,
            YAnchor = Plotly.Blazor.LayoutLib.AnnotationLib.YAnchorEnum.Bottom, XAnchor = Plotly.Blazor.LayoutLib.AnnotationLib.XAnchorEnum.Left,
            Font = new Plotly.Blazor.LayoutLib.AnnotationLib.Font { Size = 11, Color = "#495057" },
        })];
        var hasRate = d.NegativeRate.Any(r => r is not null);
        return new ImpactChartModel(
            "chart-negative-rate", "Negative rate over time, with releases",
            "Share of the day's good-or-bad feedback that was negative — overall (thick) and for the top failure modes; dashed lines are releases going Live. A line that drops after a release means its corrections worked.",
            data, layout,
            hasRate ? null : "No thumbs, ratings or other good-or-bad feedback in this period, so there is no rate to draw. Widen the dates or change the filters.",
            ImpactCsv.NegativeRate,
            d.Releases.Count == 0 ? "No releases yet in this period — publish one to see its effect." : null);
    }

    public static ImpactChartModel Pareto(ImpactDashboard d)
    {
        var data = new List<ITrace>
        {
            new Bar { Name = "negative signals", X = [.. d.Pareto.Select(p => (object)p.Key)], Y = [.. d.Pareto.Select(p => (object)p.Negative)], Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = Palette[1] } },
            new Scatter
            {
                Name = "cumulative share", Mode = ModeFlag.Lines | ModeFlag.Markers, X = [.. d.Pareto.Select(p => (object)p.Key)], Y = [.. d.Pareto.Select(p => (object)p.CumulativeShare)],
                YAxis = "y2", Line = new Plotly.Blazor.Traces.ScatterLib.Line { Color = "#212529", Width = 2 },
            },
        };
        var layout = BaseLayout("Negative signals");
        layout.YAxis.Add(new YAxis { Overlaying = "y", Side = Plotly.Blazor.LayoutLib.YAxisLib.SideEnum.Right, TickFormat = ".0%", Range = [0, 1.05], ShowGrid = false });
        return new ImpactChartModel(
            "chart-pareto", "Failure modes (Pareto)",
            "Negative feedback on cases of each failure mode, largest first; the line is the running share — the few modes on its left cause most of the complaints.",
            data, layout, d.Pareto.Count == 0 ? "No negative feedback on labeled cases in this period. Label cases in the triage queue to see which failures dominate." : null,
            ImpactCsv.Pareto);
    }

    public static ImpactChartModel CaseTimes(ImpactDashboard d)
    {
        static object? H(TimeSpan? t) => t is { } v ? Math.Round(v.TotalHours, 2) : null;
        ITrace Line(string name, IEnumerable<object?> y, string color, string? dash) => new Scatter
        {
            Name = name, Mode = ModeFlag.Lines | ModeFlag.Markers, X = Weeks(d), Y = [.. y!],
            Line = new Plotly.Blazor.Traces.ScatterLib.Line { Color = color, Width = 2, Dash = dash },
        };
        var data = new List<ITrace>
        {
            Line("triage p50", d.TimeToTriage.Select(w => H(w.P50)), Palette[0], null),
            Line("triage p90", d.TimeToTriage.Select(w => H(w.P90)), Palette[0], "dot"),
            Line("resolve p50", d.TimeToResolve.Select(w => H(w.P50)), Palette[2], null),
            Line("resolve p90", d.TimeToResolve.Select(w => H(w.P90)), Palette[2], "dot"),
        };
        var layout = WeeklyLayout(d, "Hours");
        layout.YAxis[0].RangeMode = Plotly.Blazor.LayoutLib.YAxisLib.RangeModeEnum.ToZero;
        var any = d.TimeToTriage.Concat(d.TimeToResolve).Any(w => w.P50 is not null);
        var waiting = d.TimeToTriage.Sum(w => w.Pending);
        return new ImpactChartModel(
            "chart-case-times", "Time to triage and to resolve",
            "For the cases opened each week (weeks start Monday, UTC): hours until first triage and until resolved, median (solid) and 90th percentile (dotted), rounded up to the next step. Lower is faster.",
            data, layout, any ? null : "No case opened in this period has been triaged or resolved yet.", ImpactCsv.CaseTimes,
            waiting > 0 ? $"{waiting.ToString("N0", CultureInfo.InvariantCulture)} cases opened in this period are still waiting for triage and are not in the percentiles." : null);
    }

    public static ImpactChartModel Corrections(ImpactDashboard d)
    {
        var data = new List<ITrace>
        {
            new Bar { Name = "corrections released", X = Weeks(d), Y = [.. d.CorrectionsReleased.Cast<object>()], Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = Palette[2] } },
        };
        if (d.EndUsersNotified is { } notified)
        {
            data.Add(new Bar { Name = "end users notified", X = Weeks(d), Y = [.. notified.Cast<object>()], Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = Palette[4] } });
        }

        var layout = WeeklyLayout(d, "Per week");
        layout.YAxis[0].RangeMode = Plotly.Blazor.LayoutLib.YAxisLib.RangeModeEnum.ToZero;
        if (d.CorrectionsReleased.Concat(d.EndUsersNotified ?? []).DefaultIfEmpty().Max() <= 10)
        {
            layout.YAxis[0].DTick = 1; // whole corrections, not 0.2 of one
        }
        layout.BarMode = BarModeEnum.Group;
        string? empty = d.CorrectionCount == 0
            ? "No releases yet — publish one to see its effect. Corrections proposed from cases count here once their release goes Live."
            : d.CorrectionsReleased.All(c => c == 0) ? "No corrections went Live in this period." : null;
        return new ImpactChartModel(
            "chart-corrections", "Corrections released and end users notified",
            "Per week (Monday, UTC): corrections from cases that went Live, and the end users who were told their feedback led to a change.",
            data, layout, empty, ImpactCsv.Corrections,
            d.EndUsersNotified is null ? "End users notified: not recorded." : null);
    }

    public static ImpactChartModel ByVersion(ImpactDashboard d, bool model)
    {
        var rows = model ? d.ByModel : d.ByPrompt;
        var what = model ? "model version" : "prompt version";
        var data = new List<ITrace>
        {
            new Bar
            {
                Name = "negative rate", X = [.. rows.Select(r => (object)r.Version)], Y = [.. rows.Select(r => (object)r.Rate)],
                TextArray = [.. rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Rate:0%} of {r.Polar:N0}"))], TextPosition = Plotly.Blazor.Traces.BarLib.TextPositionEnum.Auto,
                Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = model ? Palette[0] : Palette[3] },
            },
        };
        var layout = BaseLayout("Negative share");
        layout.YAxis[0].TickFormat = ".0%";
        layout.YAxis[0].RangeMode = Plotly.Blazor.LayoutLib.YAxisLib.RangeModeEnum.ToZero;
        layout.ShowLegend = false;
        return new ImpactChartModel(
            model ? "chart-models" : "chart-prompts", $"Negative rate per {what}",
            $"Share of good-or-bad feedback that was negative for each {what} in the period (label: rate of how many signals); compare a new version with the one it replaced.",
            data, layout, rows.Count == 0 ? $"No good-or-bad feedback in this period, or interactions did not send a {what}." : null, ImpactCsv.Versions);
    }

    /// <summary>Weekly charts label each week by its Monday (Plotly's own date ticks fall on Sundays).</summary>
    private static Plotly.Blazor.Layout WeeklyLayout(ImpactDashboard d, string yTitle)
    {
        var layout = BaseLayout(yTitle);
        layout.XAxis[0].TickVals = Weeks(d);
        layout.XAxis[0].TickFormat = "%b %-d";
        return layout;
    }

    private static Plotly.Blazor.Layout BaseLayout(string yTitle) => new()
    {
        Height = Height,
        AutoSize = true,
        Margin = new Margin { L = 56, R = 48, T = 28, B = 40 },
        PaperBgColor = "rgba(0,0,0,0)",
        PlotBgColor = "rgba(0,0,0,0)",
        Font = new Plotly.Blazor.LayoutLib.Font { Family = "Inter, system-ui, sans-serif", Size = 12 },
        Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, Y = -0.2m, X = 0 }],
        XAxis = [new XAxis { ShowGrid = false }],
        YAxis = [new YAxis { Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = yTitle }, GridColor = "#e9ecef" }],
        HoverMode = Plotly.Blazor.LayoutLib.HoverModeEnum.X,
    };
}
