using System.Security.Claims;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Releases;
using FeedbackConsole.Core.Features.Releases.Gates;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.Releases;

/// <summary>
/// One release: its gate (progress refreshed every second while a run is in progress), its diff against the release
/// it was built on, and — for Leads — run gate, override, promote and roll back. Reviewers see it read-only.
/// </summary>
public partial class ReleaseDetail : IDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private GetRelease.Detail? _detail;
    private bool _loading = true;
    private bool _busy;
    private bool _isLead;
    private string _userId = "";
    private string? _error;
    private Timer? _timer;
    private bool _disposed;

    [Parameter]
    public Guid ReleaseId { get; set; }

    [Inject]
    public required UseCases UseCases { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private DateTimeOffset Now => Time.GetUtcNow();

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _userId = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        _isLead = user.IsInRole(Roles.Lead) || user.IsInRole(Roles.Admin);
    }

    protected override async Task OnParametersSetAsync()
    {
        _loading = true;
        await ReloadAsync();
        _loading = false;
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // Poll only while a run is in progress, and only once interactive (the timer belongs to the circuit).
        if (_detail?.LatestGateRun is { IsRunning: true } && _timer is null && !_disposed)
        {
            _timer = new Timer(_ => _ = InvokeAsync(RefreshAsync), null, RefreshInterval, RefreshInterval);
        }
    }

    private async Task RefreshAsync()
    {
        if (_disposed)
        {
            return;
        }

        await ReloadAsync();
        if (_detail?.LatestGateRun is not { IsRunning: true })
        {
            StopTimer();
        }

        StateHasChanged();
    }

    private async Task ReloadAsync() =>
        _detail = await UseCases.RunAsync<GetRelease, GetRelease.Detail?>(h => h.HandleAsync(ReleaseId));

    private async Task RunGateAsync()
    {
        await ActAsync(() => UseCases.RunAsync<StartGateRun, Result>(async h =>
        {
            var r = await h.HandleAsync(ReleaseId, _userId);
            return r.Succeeded ? Result.Ok() : Result.Fail(r.Error!);
        }), "Gate run started.");
    }

    private async Task PromoteAsync(PromotionTarget target)
    {
        var d = _detail!;
        var (title, text) = target == PromotionTarget.Live
            ? ($"Promote release {d.Number} to live?",
                $"Apps reading {d.KnowledgeBase.Name} get release {d.Number} at once{(d.LiveNumber is { } n ? $"; release {n} is superseded (you can roll back to it)" : "")}. " +
                "Cases whose corrections are new in it become Released, and the end users who contributed are notified.")
            : ($"Promote release {d.Number} to shadow?",
                "Apps that ask for the shadow release get it beside Live, to compare; nothing changes for the others.");
        var confirmed = await Dialogs.ShowMessageBoxAsync(title, text, yesText: target == PromotionTarget.Live ? "Promote to live" : "Promote to shadow", cancelText: "Cancel");
        if (confirmed == true)
        {
            await ActAsync(() => UseCases.RunAsync<PromoteRelease, Result>(h => h.HandleAsync(ReleaseId, target, _userId)),
                target == PromotionTarget.Live ? $"Release {d.Number} is live." : $"Release {d.Number} is in shadow.");
        }
    }

    private async Task OverrideAsync()
    {
        var reason = await AskReasonAsync("Override the failed gate", $"Release {_detail!.Number} failed its gate. Say why it may be promoted anyway: the reason is kept in the audit trail and shown on this release.",
            "Override gate", OverrideGate.MinReasonLength);
        if (reason is not null)
        {
            await ActAsync(() => UseCases.RunAsync<OverrideGate, Result>(h => h.HandleAsync(ReleaseId, reason, _userId)), "Gate overridden.");
        }
    }

    private async Task RollbackAsync()
    {
        var d = _detail!;
        var reason = await AskReasonAsync($"Roll back release {d.Number}", $"Release {d.BaseNumber} becomes Live again at once, and release {d.Number} can never go live again. Say why.",
            "Roll back", RollbackRelease.MinReasonLength);
        if (reason is not null)
        {
            await ActAsync(() => UseCases.RunAsync<RollbackRelease, Result>(h => h.HandleAsync(ReleaseId, reason, _userId)), $"Rolled back: release {d.BaseNumber} is live again.");
        }
    }

    private async Task<string?> AskReasonAsync(string title, string explanation, string action, int minLength)
    {
        var parameters = new DialogParameters<ReasonDialog>
        {
            { r => r.Explanation, explanation },
            { r => r.ActionText, action },
            { r => r.MinLength, minLength },
        };
        var dialog = await Dialogs.ShowAsync<ReasonDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        return await dialog.Result is { Canceled: false, Data: string reason } ? reason : null;
    }

    private async Task ActAsync(Func<Task<Result>> act, string done)
    {
        _busy = true;
        _error = null;
        var result = await act();
        _busy = false;
        if (result.Succeeded)
        {
            Snackbar.Add(done, Severity.Success);
        }
        else
        {
            _error = result.Error;
        }

        await ReloadAsync();
    }

    private void StopTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }

    public void Dispose()
    {
        _disposed = true;
        StopTimer();
        GC.SuppressFinalize(this);
    }
}
