using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases;
using FeedbackConsole.Core.Features.KnowledgeBases.Revisions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.KnowledgeBases;

/// <summary>One knowledge base: its entries, paged and searched on the server, and proposals to add, edit or retire them.</summary>
public partial class KnowledgeBaseEntries
{
    private static readonly DialogOptions Wide = new() { MaxWidth = MaxWidth.Medium, FullWidth = true };

    private GetKnowledgeBase.View? _kb;
    private MudTable<ListEntries.Row>? _table;
    private string? _search;
    private EntryFilter _filter = EntryFilter.Current;
    private int _total;
    private bool _loading = true;
    private bool _isLead;

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

    protected override async Task OnParametersSetAsync()
    {
        _isLead = KbFormat.IsLead((await AuthenticationState).User);
        _kb = await UseCases.RunAsync<GetKnowledgeBase, GetKnowledgeBase.View?>(h => h.HandleAsync(KbId));
        _loading = false;
    }

    private async Task<TableData<ListEntries.Row>> LoadEntriesAsync(TableState state, CancellationToken cancellationToken)
    {
        var page = await UseCases.RunAsync<ListEntries, ListEntries.Page>(h =>
            h.HandleAsync(KbId, new ListEntries.Query(_search, _filter, state.Page, state.PageSize), cancellationToken));
        _total = page.Total;
        return new TableData<ListEntries.Row> { Items = page.Rows, TotalItems = page.Total };
    }

    private async Task ReloadAsync()
    {
        _kb = await UseCases.RunAsync<GetKnowledgeBase, GetKnowledgeBase.View?>(h => h.HandleAsync(KbId));
        if (_table is not null)
        {
            await _table.ReloadServerData();
        }
    }

    private async Task SearchAsync(string? search)
    {
        _search = search;
        if (_table is not null)
        {
            await _table.ReloadServerData();
        }
    }

    private async Task FilterAsync(EntryFilter filter)
    {
        _filter = filter;
        if (_table is not null)
        {
            await _table.ReloadServerData();
        }
    }

    private async Task ClearAsync()
    {
        (_search, _filter) = (null, EntryFilter.Current);
        if (_table is not null)
        {
            await _table.ReloadServerData();
        }
    }

    private async Task NewEntryAsync()
    {
        var kb = _kb!;
        var dialog = await Dialogs.ShowAsync<EntryEditorDialog>($"New {KbFormat.EntryNoun(kb.Kind)} · {kb.Name}", new DialogParameters<EntryEditorDialog>
        {
            { d => d.KnowledgeBaseId, kb.Id },
            { d => d.Kind, kb.Kind },
            { d => d.FailureModes, kb.FailureModes },
        }, Wide);
        await AfterProposalAsync(dialog);
    }

    private async Task EditAsync(ListEntries.Row row, RevisionChange change)
    {
        var kb = _kb!;
        var entry = await UseCases.RunAsync<GetEntry, GetEntry.View?>(h => h.HandleAsync(row.Id));
        if (entry?.Approved is null)
        {
            Snackbar.Add("That entry changed a moment ago; the list is refreshed.", Severity.Warning);
            await ReloadAsync();
            return;
        }

        var title = change == RevisionChange.Retire ? $"Retire “{entry.Title}”" : $"Edit “{entry.Title}”";
        var dialog = await Dialogs.ShowAsync<EntryEditorDialog>(title, new DialogParameters<EntryEditorDialog>
        {
            { d => d.KnowledgeBaseId, kb.Id },
            { d => d.Kind, kb.Kind },
            { d => d.Change, change },
            { d => d.EntryId, entry.Id },
            { d => d.Current, entry.Approved },
            { d => d.CurrentNumber, entry.ApprovedNumber },
            { d => d.FailureModes, kb.FailureModes },
        }, Wide);
        await AfterProposalAsync(dialog);
    }

    private async Task AfterProposalAsync(IDialogReference dialog)
    {
        if (await dialog.Result is { Canceled: false, Data: ProposeRevision.Outcome outcome })
        {
            Snackbar.Add($"Proposed as revision {outcome.Number}. Another reviewer approves it in Approvals.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task EditSettingsAsync()
    {
        var dialog = await Dialogs.ShowAsync<KnowledgeBaseDialog>($"Settings · {_kb!.Name}", new DialogParameters<KnowledgeBaseDialog> { { d => d.Existing, _kb } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add("Saved.", Severity.Success);
            await ReloadAsync();
        }
    }
}
