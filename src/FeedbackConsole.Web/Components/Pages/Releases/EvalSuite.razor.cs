using System.Security.Claims;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Features.Releases;
using FeedbackConsole.Core.Features.Releases.EvalSuites;
using FeedbackConsole.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.Releases;

/// <summary>A knowledge base's eval suite: paged on the server, searchable, edited in dialogs, imported and exported as files.</summary>
public partial class EvalSuite
{
    private static readonly DialogOptions EditorDialog = new() { MaxWidth = MaxWidth.Medium, FullWidth = true };

    private ListReleases.KnowledgeBaseHeader? _kb;
    private ListEvalCases.Suite? _suite;
    private MudTable<ListEvalCases.Row>? _table;
    private bool _loading = true;
    private bool _archived;
    private string? _search;
    private string _userId = "";
    private Download? _download;

    private sealed record Download(string Label, string FileName, string DataUrl);

    [Parameter]
    public Guid KbId { get; set; }

    [Inject]
    public required UseCases UseCases { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private int TabIndex
    {
        get => _archived ? 1 : 0;
        set
        {
            if (_archived != (value == 1))
            {
                _archived = value == 1;
                _ = _table?.ReloadServerData();
            }
        }
    }

    protected override async Task OnInitializedAsync() =>
        _userId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";

    protected override async Task OnParametersSetAsync()
    {
        // The header first (the table loads its rows itself once rendered).
        _suite = await UseCases.RunAsync<ListEvalCases, ListEvalCases.Suite?>(h => h.HandleAsync(KbId, null, false, 0, 1));
        _kb = _suite?.KnowledgeBase;
        _loading = false;
    }

    private async Task<TableData<ListEvalCases.Row>> LoadAsync(TableState state, CancellationToken cancellationToken)
    {
        var suite = await UseCases.RunAsync<ListEvalCases, ListEvalCases.Suite?>(h => h.HandleAsync(KbId, _search, _archived, state.Page, state.PageSize, cancellationToken));
        _suite = suite;
        return new TableData<ListEvalCases.Row> { Items = suite?.Rows ?? [], TotalItems = suite?.Total ?? 0 };
    }

    private async Task SearchAsync(string? text)
    {
        _search = text;
        if (_table is not null)
        {
            await _table.ReloadServerData();
        }
    }

    private async Task CreateAsync()
    {
        var parameters = new DialogParameters<EvalCaseDialog> { { d => d.KnowledgeBaseId, KbId }, { d => d.Kind, _kb!.Kind } };
        var dialog = await Dialogs.ShowAsync<EvalCaseDialog>("New eval case", parameters, EditorDialog);
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add("Eval case added.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task EditAsync(ListEvalCases.Row row)
    {
        var parameters = new DialogParameters<EvalCaseDialog>
        {
            { d => d.KnowledgeBaseId, KbId }, { d => d.Kind, _kb!.Kind }, { d => d.EvalCaseId, row.Id }, { d => d.Model, EvalCaseModel.From(row) },
        };
        var dialog = await Dialogs.ShowAsync<EvalCaseDialog>("Edit eval case", parameters, EditorDialog);
        if (await dialog.Result is { Canceled: false })
        {
            await ReloadAsync();
        }
    }

    private async Task ArchiveAsync(ListEvalCases.Row row, bool archive)
    {
        var result = await UseCases.RunAsync<ArchiveEvalCase, Result>(h => h.HandleAsync(row.Id, archive, _userId));
        if (result.Succeeded)
        {
            Snackbar.Add(archive ? $"“{row.Name}” archived: gates leave it out." : $"“{row.Name}” restored.", Severity.Info);
            await ReloadAsync();
        }
        else
        {
            Snackbar.Add(result.Error ?? "The eval case could not be changed.", Severity.Warning);
        }
    }

    private async Task ImportAsync()
    {
        var parameters = new DialogParameters<EvalImportDialog> { { d => d.KnowledgeBaseId, KbId }, { d => d.Kind, _kb!.Kind } };
        var dialog = await Dialogs.ShowAsync<EvalImportDialog>("Import eval cases", parameters, EditorDialog);
        if (await dialog.Result is { Canceled: false, Data: int count })
        {
            Snackbar.Add($"{Words.Plural(count, "eval case", "eval cases")} imported.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task ExportAsync(EvalSuiteFormat format)
    {
        var file = await UseCases.RunAsync<ExportEvalCases, ExportEvalCases.File?>(h => h.HandleAsync(KbId, format));
        if (file is not null)
        {
            // A data: link with a download name needs no script and no endpoint; suites are small (a few hundred KB at most).
            _download = new Download(Words.Plural(file.Count, "case", "cases") + $" as {(format == EvalSuiteFormat.Csv ? "CSV" : "JSON Lines")}",
                file.FileName, $"data:{file.ContentType};base64,{Convert.ToBase64String(file.Content)}");
        }
    }

    private async Task ReloadAsync()
    {
        if (_table is not null)
        {
            await _table.ReloadServerData();
        }
    }
}
