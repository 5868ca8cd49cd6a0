using System.Globalization;
using System.Text;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Features.Impact;
using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.Traces;

namespace FeedbackConsole.Web.Components.Pages.Impact;

/// <summary>What one correction changed: its sources, contributors, release, use over time and satisfaction before and after.</summary>
public partial class CorrectionImpact
{
    private GetCorrectionImpact.Detail? _detail;
    private bool _loading = true;

    [Parameter]
    public Guid RevisionId { get; set; }

    [Inject]
    public required UseCases UseCases { get; init; }

    protected override async Task OnParametersSetAsync()
    {
        _loading = true;
        _detail = await UseCases.RunAsync<GetCorrectionImpact, GetCorrectionImpact.Detail?>(h => h.HandleAsync(RevisionId));
        _loading = false;
    }

    private static string Percent(Satisfaction? s) => s?.Share is { } v ? v.ToString("0%", CultureInfo.InvariantCulture) : "—";

    private static string Count(Satisfaction? s) => s is null ? "no feedback" : $"{s.Polar.ToString("N0", CultureInfo.InvariantCulture)} good-or-bad signals";

    internal static ImpactChartModel ServedChart(GetCorrectionImpact.Detail d)
    {
        var data = new List<ITrace>
        {
            new Bar { Name = "times served", X = [.. d.Served.Select(s => (object)ImpactCharts.Day(s.Day))], Y = [.. d.Served.Select(s => (object)s.Count)] },
        };
        var layout = new Plotly.Blazor.Layout
        {
            Height = 260, Margin = new Plotly.Blazor.LayoutLib.Margin { L = 56, R = 24, T = 16, B = 40 }, PaperBgColor = "rgba(0,0,0,0)", PlotBgColor = "rgba(0,0,0,0)",
            ShowLegend = false, YAxis = [new Plotly.Blazor.LayoutLib.YAxis { Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = "Times served" }, TickFormat = ",d" }],
        };
        return new ImpactChartModel(
            "chart-served", "Times served over time", "How often the application retrieved this correction each UTC day since it went Live.",
            data, layout,
            d.Release is null ? "Not released yet — once a release with it goes Live, its use shows here." : d.Served.Count == 0 ? "Not served yet since its release." : null,
            "served");
    }

    private static string ServedCsv(GetCorrectionImpact.Detail d)
    {
        var csv = new StringBuilder("day_utc,times_served\n");
        foreach (var s in d.Served)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{ImpactCharts.Day(s.Day)},{s.Count}\n");
        }

        return "data:text/csv;charset=utf-8;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(csv.ToString()));
    }
}
