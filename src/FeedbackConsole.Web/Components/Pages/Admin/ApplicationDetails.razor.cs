using System.Security.Claims;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Features.Admin.Applications;
using FeedbackConsole.Core.Features.Ingestion;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.Admin;

public partial class ApplicationDetails
{
    private static readonly DialogOptions SmallDialog = new() { MaxWidth = MaxWidth.Small, FullWidth = true };

    private GetApplication.Details? _details;
    private bool _loading = true;
    private bool _busy;
    private string _actingUserId = "";

    [Parameter]
    public Guid Id { get; set; }

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

    private string KeysSummary
    {
        get
        {
            var usable = _details!.Keys.Count(k => !k.IsRevoked);
            if (_details.IsArchived)
            {
                return usable == 0 ? "archived, no key" : $"{usable} {(usable == 1 ? "key" : "keys")} suspended while archived";
            }

            return usable switch
            {
                0 => "no active key",
                1 => "1 active key",
                var n => $"{n} active keys",
            };
        }
    }

    protected override async Task OnInitializedAsync() =>
        _actingUserId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";

    protected override async Task OnParametersSetAsync()
    {
        _loading = true;
        await ReloadAsync();
        _loading = false;
    }

    private async Task ReloadAsync()
    {
        _details = await UseCases.RunAsync<GetApplication, GetApplication.Details?>(h => h.HandleAsync(Id));
        // Callers may go on to await a dialog; show the change behind it now, not when it closes.
        StateHasChanged();
    }

    private async Task RenameAsync()
    {
        var parameters = new DialogParameters<RenameApplicationDialog>
        {
            { d => d.ApplicationId, Id },
            { d => d.CurrentName, _details!.Name },
        };
        var dialog = await Dialogs.ShowAsync<RenameApplicationDialog>("Rename application", parameters, SmallDialog);
        if (await dialog.Result is { Canceled: false })
        {
            await ReloadAsync();
        }
    }

    private async Task ArchiveAsync()
    {
        var name = _details!.Name;
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            $"Archive {name}?",
            "All of its API keys stop working at once, and it accepts no new interactions or feedback. Everything it sent so far is kept, " +
            "and you can unarchive it later.",
            yesText: "Archive", cancelText: "Cancel");
        if (confirmed == true)
        {
            await RunAsync<ArchiveApplication>(h => h.HandleAsync(Id, _actingUserId));
        }
    }

    private async Task UnarchiveAsync()
    {
        var name = _details!.Name;
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            $"Unarchive {name}?",
            "Its keys that were not revoked work again at once, and it accepts interactions and feedback again.",
            yesText: "Unarchive", cancelText: "Cancel");
        if (confirmed == true)
        {
            await RunAsync<UnarchiveApplication>(h => h.HandleAsync(Id, _actingUserId));
        }
    }

    private async Task SetRedactionAsync(bool redact)
    {
        if (!redact)
        {
            var confirmed = await Dialogs.ShowMessageBoxAsync(
                "Stop redacting personal data?",
                $"From now on, emails, phone numbers, card numbers, IBANs and IP addresses that {_details!.Name} sends are stored as they are " +
                "and shown to reviewers.",
                yesText: "Stop redacting", cancelText: "Cancel");
            if (confirmed != true)
            {
                return;
            }
        }

        await RunAsync<SetPiiRedaction>(h => h.HandleAsync(Id, redact, _actingUserId));
    }

    private async Task CreateKeyAsync()
    {
        var parameters = new DialogParameters<CreateApiKeyDialog> { { d => d.ApplicationId, Id } };
        var dialog = await Dialogs.ShowAsync<CreateApiKeyDialog>("New API key", parameters, SmallDialog);
        if (await dialog.Result is not { Canceled: false, Data: CreateApiKeyDialog.Outcome outcome })
        {
            return;
        }

        await ReloadAsync();
        var shown = new DialogParameters<ApiKeyCreatedDialog>
        {
            { d => d.ApplicationName, _details?.Name ?? "" },
            { d => d.Label, outcome.Label },
            { d => d.Created, outcome.Created },
        };
        var keyDialog = await Dialogs.ShowAsync<ApiKeyCreatedDialog>(
            "Copy the new key now",
            shown,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false, CloseOnEscapeKey = false });
        await keyDialog.Result;
    }

    private async Task EditOriginsAsync(GetApplication.Key key)
    {
        var parameters = new DialogParameters<EditOriginsDialog>
        {
            { d => d.KeyId, key.Id },
            { d => d.DisplayPrefix, key.DisplayPrefix },
            { d => d.Origins, key.AllowedOrigins },
        };
        var dialog = await Dialogs.ShowAsync<EditOriginsDialog>($"Origins of {key.Label}", parameters, SmallDialog);
        if (await dialog.Result is { Canceled: false })
        {
            await ReloadAsync();
        }
    }

    private async Task RevokeAsync(GetApplication.Key key)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            $"Revoke {key.Label}?",
            $"Requests with {key.DisplayPrefix}… are refused from now on (by other console instances within " +
            $"{(int)ApiKeyLookup.CacheLifetime.TotalSeconds} seconds). A revoked key cannot be restored: " +
            "create a new key first if the application still needs one.",
            yesText: "Revoke", cancelText: "Cancel");
        if (confirmed == true)
        {
            await RunAsync<RevokeApiKey>(h => h.HandleAsync(key.Id, _actingUserId));
        }
    }

    /// <summary>
    /// Runs a change and shows the page as it now is. Success needs no snackbar: the page itself shows it (a
    /// revoked row, the archive notice, the switch), and a snackbar would sit over the header's buttons.
    /// </summary>
    private async Task RunAsync<THandler>(Func<THandler, Task<Result>> call)
        where THandler : notnull
    {
        _busy = true;
        var result = await UseCases.RunAsync(call);
        _busy = false;
        await ReloadAsync();
        if (!result.Succeeded)
        {
            Snackbar.Add(result.Error ?? "The change was refused.", Severity.Error);
        }
    }
}
