using System.Security.Claims;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Features.Notifications;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.Notifications;

public partial class Templates
{
    private static readonly List<BreadcrumbItem> Crumbs = [new("Notification outbox", "admin/notifications"), new("Email templates", null, disabled: true)];

    private IReadOnlyList<GetTemplates.Item>? _templates;
    private int _tab;
    private string _subject = "";
    private string _text = "";
    private string _html = "";
    private string? _error;
    private bool _busy;
    private string _actingUserId = "";

    [Inject]
    public required UseCases UseCases { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private GetTemplates.Item Current => _templates![_tab];

    private RenderedEmail Preview => GetTemplates.Preview(Current.Key, _subject ?? "", _text ?? "", _html ?? "");

    protected override async Task OnInitializedAsync()
    {
        _actingUserId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _templates = await UseCases.RunAsync<GetTemplates, IReadOnlyList<GetTemplates.Item>>(h => h.HandleAsync());
        Show();
    }

    private void Show()
    {
        (_subject, _text, _html, _error) = (Current.Subject, Current.Text, Current.Html, null);
    }

    private void SelectTab(int index)
    {
        _tab = index;
        Show();
    }

    private async Task SaveAsync() => await RunAsync(reset: false, "Template saved: the next emails use it.");

    private async Task ResetAsync() => await RunAsync(reset: true, "Back to the built-in template.");

    private async Task RunAsync(bool reset, string done)
    {
        _busy = true;
        var key = Current.Key;
        var result = await UseCases.RunAsync<SaveTemplate, Result>(h => h.HandleAsync(key, _subject, _text, _html, reset, _actingUserId));
        _busy = false;
        if (!result.Succeeded)
        {
            _error = result.Error;
            return;
        }

        Snackbar.Add(done, Severity.Success);
        await LoadAsync();
    }
}
