using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Features.KnowledgeBases;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.KnowledgeBases;

public partial class KnowledgeBaseList
{
    private static readonly DialogOptions Medium = new() { MaxWidth = MaxWidth.Small, FullWidth = true };

    private IReadOnlyList<ListKnowledgeBases.Row> _rows = [];
    private IReadOnlyList<ListKnowledgeBases.ApplicationChoice> _applications = [];
    private Guid? _applicationFilter;
    private bool _showArchived;
    private bool _loading = true;
    private bool _isLead;
    private string _userId = "";

    [Inject]
    public required UseCases UseCases { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _isLead = KbFormat.IsLead(user);
        _userId = KbFormat.UserId(user);
        await LoadAsync();
        _loading = false;
    }

    private async Task LoadAsync()
    {
        var result = await UseCases.RunAsync<ListKnowledgeBases, ListKnowledgeBases.Result>(h => h.HandleAsync(_applicationFilter, _showArchived));
        (_rows, _applications) = (result.Rows, result.Applications);
    }

    private async Task FilterAsync(Guid? applicationId)
    {
        _applicationFilter = applicationId;
        await LoadAsync();
    }

    private async Task ShowArchivedAsync(bool show)
    {
        _showArchived = show;
        await LoadAsync();
    }

    private async Task ClearAsync()
    {
        (_applicationFilter, _showArchived) = (null, false);
        await LoadAsync();
    }

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<KnowledgeBaseDialog>("New knowledge base", new DialogParameters<KnowledgeBaseDialog>
        {
            { d => d.Applications, _applications },
            { d => d.ApplicationId, _applicationFilter },
        }, Medium);
        if (await dialog.Result is { Canceled: false, Data: Guid id })
        {
            Navigation.NavigateTo(KbFormat.KnowledgeBaseHref(id));
        }
    }

    private async Task EditAsync(ListKnowledgeBases.Row row)
    {
        var kb = await UseCases.RunAsync<GetKnowledgeBase, GetKnowledgeBase.View?>(h => h.HandleAsync(row.Id));
        if (kb is null)
        {
            Snackbar.Add("That knowledge base no longer exists.", Severity.Warning);
            await LoadAsync();
            return;
        }

        var dialog = await Dialogs.ShowAsync<KnowledgeBaseDialog>($"Edit {kb.Name}", new DialogParameters<KnowledgeBaseDialog> { { d => d.Existing, kb } }, Medium);
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add("Saved.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task ArchiveAsync(ListKnowledgeBases.Row row)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            $"Archive {row.Name}?",
            "It leaves this list and takes no new proposals or approvals. Its entries, revisions and releases stay for history.",
            yesText: "Archive", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        var result = await UseCases.RunAsync<ArchiveKnowledgeBase, Result>(h => h.HandleAsync(row.Id, null, _userId));
        Snackbar.Add(result.Succeeded ? $"{row.Name} is archived." : result.Error!, result.Succeeded ? Severity.Success : Severity.Error);
        await LoadAsync();
    }
}
