using System.Security.Claims;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Releases;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.Releases;

/// <summary>A knowledge base's releases, newest first; Leads build a candidate from the approved revisions.</summary>
public partial class ReleaseList
{
    private ListReleases.Overview? _overview;
    private bool _loading = true;
    private bool _busy;
    private bool _isLead;
    private string _userId = "";
    private string? _error;

    [Parameter]
    public Guid KbId { get; set; }

    [Inject]
    public required UseCases UseCases { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private DateTimeOffset Now => Time.GetUtcNow();

    private ListReleases.Row? ShadowRow => _overview?.Releases.FirstOrDefault(r => r.Id == _overview.KnowledgeBase.ShadowReleaseId);

    private string? BuildBlockedReason => _overview switch
    {
        null => "Loading…",
        { KnowledgeBase.IsArchived: true } => "The knowledge base is archived.",
        { ApprovedEntries: 0, Live: null } => "Approve at least one entry revision first.",
        { PendingTotal: 0, Live: { } live } => $"No approved changes since release {live.Number}.",
        _ => null,
    };

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _userId = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        _isLead = user.IsInRole(Roles.Lead) || user.IsInRole(Roles.Admin);
    }

    protected override async Task OnParametersSetAsync()
    {
        _loading = true;
        _overview = await UseCases.RunAsync<ListReleases, ListReleases.Overview?>(h => h.HandleAsync(KbId));
        _loading = false;
    }

    private void Open(ListReleases.Row row) => Navigation.NavigateTo(ReleaseFormat.ReleaseHref(row.Id));

    private async Task BuildAsync()
    {
        var parameters = new DialogParameters<BuildCandidateDialog>
        {
            { d => d.Summary, ReleaseFormat.Counts(_overview!.PendingAdded, _overview.PendingChanged, _overview.PendingRetired) },
            { d => d.LiveNumber, _overview.Live?.Number },
        };
        var dialog = await Dialogs.ShowAsync<BuildCandidateDialog>("Build a candidate release", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: string notes })
        {
            return;
        }

        _busy = true;
        _error = null;
        var result = await UseCases.RunAsync<BuildCandidate, Result<BuildCandidate.Built>>(h => h.HandleAsync(KbId, notes, _userId));
        _busy = false;
        if (!result.Succeeded)
        {
            _error = result.Error;
            return;
        }

        Snackbar.Add($"Release {result.Value!.Number} built: {ReleaseFormat.Counts(result.Value.Added, result.Value.Changed, result.Value.Retired)}.", Severity.Success);
        Navigation.NavigateTo(ReleaseFormat.ReleaseHref(result.Value.ReleaseId));
    }
}
