using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Features.Impact;
using Microsoft.AspNetCore.Components;

namespace FeedbackConsole.Web.Components.Pages.Impact;

/// <summary>
/// The impact dashboard: every chart's data from one use case call for the filters in the address, so a view can be
/// shared. Keeps only the dashboard's small view model (a few thousand numbers) per circuit.
/// </summary>
public partial class Impact
{
    private ImpactDashboard? _dashboard;
    private bool _loading = true;
    private string? _error;
    private int _revision;
    private string? _loadedQuery;

    [Inject]
    public required UseCases UseCases { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [Inject]
    public required ILogger<Impact> Logger { get; init; }

    // The filters live in the address; these make Blazor call OnParametersSetAsync when it changes.
    [SupplyParameterFromQuery(Name = "app")]
    public string? App { get; set; }

    [SupplyParameterFromQuery(Name = "from")]
    public string? From { get; set; }

    [SupplyParameterFromQuery(Name = "to")]
    public string? To { get; set; }

    [SupplyParameterFromQuery(Name = "role")]
    public string? Role { get; set; }

    [SupplyParameterFromQuery(Name = "task")]
    public string? Task { get; set; }

    [SupplyParameterFromQuery(Name = "channel")]
    public string? Channel { get; set; }

    [SupplyParameterFromQuery(Name = "locale")]
    public string? Locale { get; set; }

    [SupplyParameterFromQuery(Name = "model")]
    public string? Model { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        var query = new Uri(Navigation.Uri).Query;
        if (query == _loadedQuery && _dashboard is not null)
        {
            return;
        }

        _loadedQuery = query;
        var filter = ImpactFilter.Parse(query, DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime));
        _loading = true;
        try
        {
            _dashboard = await UseCases.RunAsync<GetImpactDashboard, ImpactDashboard>(h => h.HandleAsync(filter));
            _error = null;
            _revision++;
        }
#pragma warning disable CA1031 // Any failure is shown as a sentence; the details go to the log.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Logger.LogError(ex, "Loading the impact dashboard failed.");
            _error = "The dashboard could not be loaded. Try again in a moment; if it keeps failing, an admin finds the reason in the log.";
        }
        finally
        {
            _loading = false;
        }
    }

    private static bool IsFiltered(ImpactFilter f) => f.HasSegment || f.ModelVersion is not null;

    private void Apply(ImpactFilter filter) => Navigation.NavigateTo("impact?" + filter.Normalized().ToQueryString());

    private void ClearSegments()
    {
        if (_dashboard is { } d)
        {
            Apply(d.Filter with { Role = null, TaskType = null, Channel = null, Locale = null, ModelVersion = null });
        }
    }

    private string Csv(string chart) => _dashboard is { } d ? ImpactCsv.DataUrl(chart, d) : "";
}
