using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Features.Clustering;
using Microsoft.AspNetCore.Components;

namespace FeedbackConsole.Web.Components.Pages.Triage;

public partial class Clusters
{
    private const int PageSize = 25;
    private const string AllTime = "all";

    private static readonly (string Key, string Label, TimeSpan? Span)[] Periods =
    [
        ("24h", "the last 24 hours", TimeSpan.FromDays(1)),
        ("7d", "the last 7 days", TimeSpan.FromDays(7)),
        ("30d", "the last 30 days", TimeSpan.FromDays(30)),
        ("90d", "the last 90 days", TimeSpan.FromDays(90)),
        (AllTime, "all time", null),
    ];

    private ListClusters.Response? _response;
    private string _period = "30d";
    private ListClusters.SortBy _sort = ListClusters.SortBy.Size;
    private int _page;
    private bool _loading;

    [Inject]
    public required UseCases UseCases { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    /// <summary>Deep links: <c>/clusters?app=…&amp;period=7d&amp;sort=reach</c>.</summary>
    [SupplyParameterFromQuery(Name = "app")]
    public Guid? ApplicationQuery { get; set; }

    [SupplyParameterFromQuery(Name = "period")]
    public string? PeriodQuery { get; set; }

    [SupplyParameterFromQuery(Name = "sort")]
    public string? SortQuery { get; set; }

    /// <summary>Whether the application has clusters at all (outside the period too).</summary>
    private bool HasAnyCluster => _response?.Applications.FirstOrDefault(a => a.Id == _response.ApplicationId)?.Clusters > 0;

    private int PageCount => _response is null ? 0 : (_response.Total + PageSize - 1) / PageSize;

    private string CountLabel
    {
        get
        {
            var total = _response!.Total;
            var noun = total == 1 ? "1 cluster" : $"{total:N0} clusters";
            var order = _sort == ListClusters.SortBy.Reach ? "most end users first" : "most cases first";
            return $"{noun}, {order}";
        }
    }

    protected override async Task OnInitializedAsync()
    {
        if (Periods.Any(p => p.Key == PeriodQuery))
        {
            _period = PeriodQuery!;
        }

        if (string.Equals(SortQuery, "reach", StringComparison.OrdinalIgnoreCase))
        {
            _sort = ListClusters.SortBy.Reach;
        }

        await LoadAsync(ApplicationQuery);
    }

    private async Task LoadAsync(Guid? applicationId)
    {
        _loading = true;
        var span = Periods.First(p => p.Key == _period).Span;
        var request = new ListClusters.Request(applicationId, span, _sort, _page, PageSize);
        _response = await UseCases.RunAsync<ListClusters, ListClusters.Response>(h => h.HandleAsync(request));
        _loading = false;
    }

    private async Task ApplicationChanged(Guid? applicationId)
    {
        _page = 0;
        await LoadAsync(applicationId);
    }

    private async Task PeriodChanged(string period)
    {
        _period = period;
        _page = 0;
        await LoadAsync(_response?.ApplicationId);
    }

    private async Task SortChanged(ListClusters.SortBy sort)
    {
        _sort = sort;
        _page = 0;
        await LoadAsync(_response?.ApplicationId);
    }

    private async Task PageChanged(int page)
    {
        _page = page - 1;
        await LoadAsync(_response?.ApplicationId);
    }

    private static string TriageHref(ListClusters.Row row) => $"triage?cluster={row.Id}";

    private void Open(ListClusters.Row row) => Navigation.NavigateTo(TriageHref(row));
}
