using System.Data.Common;
using System.Security.Claims;
using FeedbackConsole.Core.Features.Accounts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Layout;

public partial class MainLayout
{
    private MudThemeProvider? _themeProvider;
    private bool _drawerOpen = true;
    private bool _darkMode;
    private bool? _savedPreference;
    private string? _userId;

    [Inject]
    public required UserPreferences Preferences { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    protected override async Task OnInitializedAsync()
    {
        if (AuthenticationState is not null)
        {
            var user = (await AuthenticationState).User;
            _userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        }

        if (_userId is not null)
        {
            _savedPreference = await Preferences.GetDarkModeAsync(_userId);
            _darkMode = _savedPreference ?? false;
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // With no saved choice, follow the browser's setting (only known once JavaScript runs).
        if (firstRender && _savedPreference is null && _themeProvider is not null)
        {
            var systemDark = await _themeProvider.GetSystemDarkModeAsync();
            // Checked again after the call: the first render can come before OnInitializedAsync has read the saved
            // choice (a database read that really is asynchronous, as on PostgreSQL), and the person may have clicked
            // the toggle meanwhile. Either way the saved choice wins over the browser's.
            if (_savedPreference is null && systemDark != _darkMode)
            {
                _darkMode = systemDark;
                StateHasChanged();
            }
        }
    }

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;

    private async Task ToggleThemeAsync()
    {
        var wanted = !_darkMode;
        if (_userId is not null)
        {
            try
            {
                await Preferences.SetDarkModeAsync(_userId, wanted);
            }
            catch (DbException)
            {
                Snackbar.Add("Your theme choice could not be saved. Try again in a moment.", Severity.Warning);
                return;
            }
        }

        _darkMode = wanted;
        _savedPreference = wanted;
    }
}
