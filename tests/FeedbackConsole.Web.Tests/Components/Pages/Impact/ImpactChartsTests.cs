using Bunit;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Impact;
using FeedbackConsole.Web.Components.Pages.Impact;
using FeedbackConsole.Web.Tests.Shared;
using Plotly.Blazor.Traces;

namespace FeedbackConsole.Web.Tests.Components.Pages.Impact;

/// <summary>How the dashboard's data becomes Plotly traces, captions and empty states (bunit for the card).</summary>
public sealed class ImpactChartsTests : IAsyncDisposable
{
    private static readonly DateOnly D1 = new(2026, 9, 7);
    private readonly ConsoleBunitContext _ctx = new();

    private static ImpactDashboard Sample(bool withReleases = true, int[]? notified = null)
    {
        var filter = new ImpactFilter(Guid.NewGuid(), D1, D1.AddDays(2));
        var empty = ImpactDashboard.Empty(filter, [new ImpactChoice(filter.ApplicationId!.Value.ToString(), "Support")], [D1, D1.AddDays(1), D1.AddDays(2)], [D1]);
        return empty with
        {
            Volume = [new KindSeries(SignalKind.Thumb, [3, 0, 1]), new KindSeries(SignalKind.Correction, [0, 2, 0])],
            NegativeRate = [0.25, null, 1.0],
            NegativeRateByMode = [new RateSeries("factual.outdated", [0.25, null, 0.0])],
            Releases = withReleases ? [new ReleaseMarker(Guid.NewGuid(), new DateTimeOffset(D1.AddDays(1).ToDateTime(new TimeOnly(14, 0)), TimeSpan.Zero), "support-facts v2")] : [],
            Pareto = [new ParetoBar("factual.outdated", "Outdated", 3, 0.75), new ParetoBar("tone.inappropriate", "Inappropriate tone", 1, 1.0)],
            TimeToTriage = [new CaseTimeWeek(D1, TimeSpan.FromHours(1.5), TimeSpan.FromHours(6), 4, 2)],
            TimeToResolve = [new CaseTimeWeek(D1, null, null, 0, 6)],
            CorrectionsReleased = [1],
            EndUsersNotified = notified,
            ByModel = [new VersionRate("m1", 10, 8, 2), new VersionRate("m2", 5, 4, 0)],
            CorrectionCount = 1,
        };
    }

    [Fact]
    public void NegativeRate_DaysRatesAndReleaseMarkers_OneLinePerSeriesAndADashedLinePerRelease()
    {
        var chart = ImpactCharts.NegativeRate(Sample());

        var lines = chart.Data.Cast<Scatter>().ToList();
        Assert.Equal(["all feedback", "factual.outdated"], lines.Select(l => l.Name));
        Assert.Equal(["2026-09-07", "2026-09-08", "2026-09-09"], lines[0].X);
        Assert.Equal([0.25, null, 1.0], lines[0].Y); // a day without good-or-bad feedback is a gap, not 0 %
        var marker = Assert.Single(chart.Layout.Shapes);
        Assert.Equal(("2026-09-08", "2026-09-08"), (marker.X0, marker.X1));
        Assert.Equal("support-facts v2", Assert.Single(chart.Layout.Annotations).Text);
        Assert.Null(chart.Empty);
        Assert.Null(chart.Note);
    }

    [Fact]
    public void NegativeRate_NoReleases_SaysToPublishOne()
    {
        var chart = ImpactCharts.NegativeRate(Sample(withReleases: false));

        Assert.Equal("No releases yet in this period — publish one to see its effect.", chart.Note);
    }

    [Fact]
    public void Volume_StackedBarsPerKind_CountsPerDay()
    {
        var chart = ImpactCharts.Volume(Sample());

        var bars = chart.Data.Cast<Bar>().ToList();
        Assert.Equal(["thumb", "correction"], bars.Select(b => b.Name));
        Assert.Equal([3, 0, 1], bars[0].Y);
        Assert.Equal(Plotly.Blazor.LayoutLib.BarModeEnum.Stack, chart.Layout.BarMode);
    }

    [Fact]
    public void Pareto_BarsLargestFirst_CumulativeShareOnTheSecondAxis()
    {
        var chart = ImpactCharts.Pareto(Sample());

        var bar = Assert.IsType<Bar>(chart.Data[0]);
        var line = Assert.IsType<Scatter>(chart.Data[1]);
        Assert.Equal(["factual.outdated", "tone.inappropriate"], bar.X);
        Assert.Equal([3, 1], bar.Y);
        Assert.Equal([0.75, 1.0], line.Y);
        Assert.Equal("y2", line.YAxis);
    }

    [Fact]
    public void CaseTimes_HoursPerWeek_NullWhereNothingWasResolvedAndANoteOnWaitingCases()
    {
        var chart = ImpactCharts.CaseTimes(Sample());

        var lines = chart.Data.Cast<Scatter>().ToDictionary(l => l.Name);
        Assert.Equal([1.5], lines["triage p50"].Y);
        Assert.Equal([6.0], lines["triage p90"].Y);
        Assert.Equal([null], lines["resolve p50"].Y);
        Assert.Contains("2 cases opened in this period are still waiting", chart.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrections_WithoutNotifier_OneSeriesAndTheNotifierNote_WithIt_TwoSeries()
    {
        var without = ImpactCharts.Corrections(Sample());
        var with = ImpactCharts.Corrections(Sample(notified: [7]));

        Assert.Equal(["corrections released"], without.Data.Cast<Bar>().Select(b => b.Name));
        Assert.Equal("End users notified: not recorded.", without.Note);
        Assert.Equal([7], with.Data.Cast<Bar>().Single(b => b.Name == "end users notified").Y);
        Assert.Null(with.Note);
    }

    [Fact]
    public void ByModel_RatePerVersion_LabelledWithHowManySignals()
    {
        var chart = ImpactCharts.ByVersion(Sample(), model: true);

        var bar = Assert.IsType<Bar>(Assert.Single(chart.Data));
        Assert.Equal(["m1", "m2"], bar.X);
        Assert.Equal([0.25, 0.0], bar.Y);
        Assert.Equal(["25% of 8", "0% of 4"], bar.TextArray);
    }

    [Fact]
    public void EmptyDashboard_EveryChartSaysWhatToDo()
    {
        var filter = new ImpactFilter(Guid.NewGuid(), D1, D1);
        var charts = ImpactCharts.All(ImpactDashboard.Empty(filter, [], [D1], [D1]));

        Assert.All(charts, c => Assert.False(string.IsNullOrWhiteSpace(c.Empty)));
        Assert.Contains(charts, c => c.Empty!.StartsWith("No releases yet — publish one to see its effect", StringComparison.Ordinal));
    }

    [Fact]
    public void ChartCard_EmptyChart_RendersTitleCaptionAndEmptyStateWithoutAPlot()
    {
        var model = ImpactCharts.Pareto(Sample() with { Pareto = [] });

        var card = _ctx.Render<ImpactChart>(p => p.Add(c => c.Model, model).Add(c => c.CsvHref, "data:text/csv;base64,").Add(c => c.CsvFileName, "x.csv"));

        Assert.Equal("Failure modes (Pareto)", card.Find("h2").TextContent);
        Assert.Contains("running share", card.Markup, StringComparison.Ordinal);
        Assert.Contains("Label cases in the triage queue", card.Find("[role=status]").TextContent, StringComparison.Ordinal);
        Assert.Empty(card.FindAll(".fc-impact-plot"));
        Assert.Equal("x.csv", card.Find("a[download]").GetAttribute("download"));
    }

    public async ValueTask DisposeAsync() => await _ctx.DisposeAsync();
}
