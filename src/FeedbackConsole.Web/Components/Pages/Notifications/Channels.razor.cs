using System.Security.Claims;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Features.Admin.Applications;
using FeedbackConsole.Core.Features.Notifications;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.Notifications;

public partial class Channels
{
    private static readonly List<BreadcrumbItem> Crumbs = [new("Notification outbox", "admin/notifications"), new("Channels", null, disabled: true)];

    private List<ListApplications.Row>? _applications;
    private Guid _applicationId;
    private ChannelSettingsView? _settings;
    private bool _email;
    private bool _digest;
    private string? _url;
    private bool _allowPrivate;
    private bool _rotate;
    private bool _busy;
    private string? _newSecret;
    private string? _error;
    private string _actingUserId = "";

    [Inject]
    public required UseCases UseCases { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [SupplyParameterFromQuery(Name = "app")]
    public Guid? AppQuery { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _actingUserId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        _applications = (await UseCases.RunAsync<ListApplications, IReadOnlyList<ListApplications.Row>>(h => h.HandleAsync())).Where(a => !a.IsArchived).ToList();
        if (_applications.Count > 0)
        {
            await SelectAsync(_applications.FirstOrDefault(a => a.Id == AppQuery)?.Id ?? _applications[0].Id);
        }
    }

    private async Task SelectAsync(Guid applicationId)
    {
        _applicationId = applicationId;
        _newSecret = null;
        _error = null;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _settings = await UseCases.RunAsync<GetChannelSettings, ChannelSettingsView?>(h => h.HandleAsync(_applicationId));
        if (_settings is { } s)
        {
            (_email, _digest, _url, _allowPrivate, _rotate) = (s.EmailEnabled, s.DailyDigest, s.WebhookUrl, s.AllowPrivateTargets, false);
        }
    }

    private async Task SaveAsync()
    {
        _busy = true;
        _error = null;
        var result = await UseCases.RunAsync<SaveChannelSettings, Result<string?>>(h => h.HandleAsync(_applicationId, _email, _digest, _url, _allowPrivate, _rotate, _actingUserId));
        _busy = false;
        if (!result.Succeeded)
        {
            _error = result.Error;
            return;
        }

        _newSecret = result.Value;
        Snackbar.Add("Channels saved.", Severity.Success);
        await LoadAsync();
    }
}
