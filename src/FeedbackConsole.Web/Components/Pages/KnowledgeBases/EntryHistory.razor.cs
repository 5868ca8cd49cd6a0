using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases;
using FeedbackConsole.Core.Features.KnowledgeBases.Revisions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.KnowledgeBases;

/// <summary>An entry's revisions, newest first; choosing one shows it side by side with the revision before it.</summary>
public partial class EntryHistory
{
    private GetEntry.View? _entry;
    private GetRevision.View? _revision;
    private Guid? _selectedId;
    private bool _loading = true;
    private string _userId = "";

    [Parameter]
    public Guid KbId { get; set; }

    [Parameter]
    public Guid EntryId { get; set; }

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

    protected override async Task OnParametersSetAsync()
    {
        _userId = KbFormat.UserId((await AuthenticationState).User);
        await LoadAsync(null);
        _loading = false;
    }

    private async Task LoadAsync(Guid? select)
    {
        _entry = await UseCases.RunAsync<GetEntry, GetEntry.View?>(h => h.HandleAsync(EntryId));
        var first = select ?? (_entry is { Revisions.Count: > 0 } e ? e.Revisions[0].Id : null);
        if (first is { } id)
        {
            await SelectAsync(id);
        }
    }

    private async Task SelectAsync(Guid revisionId)
    {
        _selectedId = revisionId;
        _revision = null;
        _revision = await UseCases.RunAsync<GetRevision, GetRevision.View?>(h => h.HandleAsync(revisionId, _userId));
    }

    private async Task ProposeAsync(RevisionChange change)
    {
        var e = _entry!;
        var dialog = await Dialogs.ShowAsync<EntryEditorDialog>(change == RevisionChange.Retire ? $"Retire “{e.Title}”" : $"Edit “{e.Title}”",
            new DialogParameters<EntryEditorDialog>
            {
                { d => d.KnowledgeBaseId, e.KnowledgeBaseId },
                { d => d.Kind, e.Kind },
                { d => d.Change, change },
                { d => d.EntryId, e.Id },
                { d => d.Current, e.Approved },
                { d => d.CurrentNumber, e.ApprovedNumber },
                { d => d.FailureModes, e.FailureModes },
            },
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: ProposeRevision.Outcome outcome })
        {
            Snackbar.Add($"Proposed as revision {outcome.Number}. Another reviewer approves it in Approvals.", Severity.Success);
            await LoadAsync(outcome.RevisionId);
        }
    }
}
