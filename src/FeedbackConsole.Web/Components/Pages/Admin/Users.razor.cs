using System.Security.Claims;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Admin.Users;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.Admin;

public partial class Users
{
    private IReadOnlyList<ListUsers.Row> _rows = [];
    private bool _loading = true;
    private string _search = "";
    private string _actingUserId = "";

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

    private string CountLabel
    {
        get
        {
            var total = _rows.Count == 1 ? "1 person" : $"{_rows.Count} people";
            return string.IsNullOrWhiteSpace(_search) ? total : $"{_rows.Count(Matches)} of {total}";
        }
    }

    protected override async Task OnInitializedAsync()
    {
        _actingUserId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        _loading = true;
        _rows = await UseCases.RunAsync<ListUsers, IReadOnlyList<ListUsers.Row>>(h => h.HandleAsync());
        _loading = false;
        // Callers may go on to await a dialog; show the new rows behind it now, not when it closes.
        StateHasChanged();
    }

    private bool Matches(ListUsers.Row row) =>
        string.IsNullOrWhiteSpace(_search)
        || row.DisplayName.Contains(_search, StringComparison.CurrentCultureIgnoreCase)
        || row.Email.Contains(_search, StringComparison.OrdinalIgnoreCase)
        || row.Roles.Any(r => r.Contains(_search, StringComparison.OrdinalIgnoreCase));

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<CreateUserDialog>("Add a person", new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: CreateUserDialog.Outcome created })
        {
            await ReloadAsync();
            await ShowOneTimePasswordAsync(created.DisplayName, created.Email, created.OneTimePassword, isNew: true);
        }
    }

    private async Task EditRolesAsync(ListUsers.Row row)
    {
        var parameters = new DialogParameters<EditRolesDialog>
        {
            { d => d.UserId, row.Id },
            { d => d.DisplayName, row.DisplayName },
            { d => d.Selected, row.Roles.ToHashSet(StringComparer.Ordinal) },
        };
        var dialog = await Dialogs.ShowAsync<EditRolesDialog>($"Roles of {row.DisplayName}", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add($"Roles of {row.DisplayName} saved. Open sessions pick up the change within a minute.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task ResetPasswordAsync(ListUsers.Row row)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Reset password?",
            $"{row.DisplayName} will be signed out everywhere and get a one-time password that must be changed at the next sign-in.",
            yesText: "Reset password", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        var result = await UseCases.RunAsync<ResetUserPassword, Result<string>>(h => h.HandleAsync(row.Id, _actingUserId));
        if (!result.Succeeded)
        {
            Snackbar.Add(result.Error ?? "The change was refused.", Severity.Error);
            return;
        }

        await ReloadAsync();
        await ShowOneTimePasswordAsync(row.DisplayName, row.Email, result.Value!, isNew: false);
    }

    private async Task SetDisabledAsync(ListUsers.Row row, bool disabled)
    {
        if (disabled)
        {
            var confirmed = await Dialogs.ShowMessageBoxAsync(
                $"Disable {row.DisplayName}?",
                "They will not be able to sign in, and any open session loses access within a minute. You can enable them again later.",
                yesText: "Disable", cancelText: "Cancel");
            if (confirmed != true)
            {
                return;
            }
        }

        var result = await UseCases.RunAsync<SetUserDisabled, Result>(h => h.HandleAsync(row.Id, disabled, _actingUserId));
        if (result.Succeeded)
        {
            Snackbar.Add(disabled ? $"{row.DisplayName} is disabled." : $"{row.DisplayName} can sign in again.", Severity.Success);
            await ReloadAsync();
        }
        else
        {
            Snackbar.Add(result.Error ?? "The change was refused.", Severity.Error);
        }
    }

    private async Task ShowOneTimePasswordAsync(string displayName, string email, string password, bool isNew)
    {
        var parameters = new DialogParameters<OneTimePasswordDialog>
        {
            { d => d.DisplayName, displayName },
            { d => d.Email, email },
            { d => d.Password, password },
            { d => d.IsNewUser, isNew },
        };
        var dialog = await Dialogs.ShowAsync<OneTimePasswordDialog>(
            isNew ? $"{displayName} can sign in" : $"New password for {displayName}",
            parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false });
        await dialog.Result;
    }

    private static Color RoleColor(string role) => role switch
    {
        Roles.Admin => Color.Error,
        Roles.Lead => Color.Secondary,
        _ => Color.Primary,
    };

    private static (string Label, Color Color, string Icon) StatusOf(ListUsers.Row row)
    {
        if (row.IsDisabled)
        {
            return ("Disabled", Color.Default, Icons.Material.Outlined.Block);
        }

        if (row.LockedOutUntil is not null)
        {
            // The chip adds "until 14:05" in the reader's zone (Users.razor).
            return ("Locked", Color.Warning, Icons.Material.Outlined.Lock);
        }

        return row.MustChangePassword
            ? ("Awaiting first sign-in", Color.Info, Icons.Material.Outlined.HourglassTop)
            : ("Active", Color.Success, Icons.Material.Outlined.CheckCircle);
    }
}
