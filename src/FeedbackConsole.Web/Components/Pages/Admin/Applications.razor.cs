using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Features.Admin.Applications;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.Admin;

public partial class Applications
{
    private IReadOnlyList<ListApplications.Row> _rows = [];
    private bool _loading = true;

    [Inject]
    public required UseCases UseCases { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    private DateTimeOffset Now => Time.GetUtcNow();

    private string CountLabel
    {
        get
        {
            var archived = _rows.Count(r => r.IsArchived);
            var total = _rows.Count == 1 ? "1 application" : $"{_rows.Count} applications";
            return archived == 0 ? total : $"{total}, {archived} archived";
        }
    }

    protected override async Task OnInitializedAsync()
    {
        _rows = await UseCases.RunAsync<ListApplications, IReadOnlyList<ListApplications.Row>>(h => h.HandleAsync());
        _loading = false;
    }

    private static string DetailsHref(ListApplications.Row row) => $"admin/applications/{row.Id}";

    private static string KeysLabel(ListApplications.Row row) => row.ActiveKeys switch
    {
        0 => "No active key",
        1 => "1 active",
        var n => $"{n} active",
    };

    private void Open(ListApplications.Row row) => Navigation.NavigateTo(DetailsHref(row));

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<CreateApplicationDialog>("New application", new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: CreateApplicationDialog.Outcome created })
        {
            Navigation.NavigateTo($"admin/applications/{created.Id}");
        }
    }
}
