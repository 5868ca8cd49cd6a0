using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Features.KnowledgeBases.Revisions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.KnowledgeBases;

/// <summary>The queue of proposed revisions, oldest first, filtered by application or knowledge base (the latter from <c>?kb=</c>).</summary>
public partial class Approvals
{
    private MudTable<ListProposals.Row>? _table;
    private IReadOnlyList<ListProposals.Choice> _applications = [];
    private IReadOnlyList<ListProposals.Choice> _kbs = [];
    private Guid? _application;
    private Guid? _kb;
    private int _total;
    private string _userId = "";

    [SupplyParameterFromQuery(Name = "kb")]
    public Guid? KbQuery { get; set; }

    [Inject]
    public required UseCases UseCases { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _userId = KbFormat.UserId((await AuthenticationState).User);
        _kb = KbQuery;
    }

    private async Task<TableData<ListProposals.Row>> LoadAsync(TableState state, CancellationToken cancellationToken)
    {
        var result = await UseCases.RunAsync<ListProposals, ListProposals.Result>(h =>
            h.HandleAsync(new ListProposals.Filter(_application, _kb, state.Page, state.PageSize), cancellationToken));
        (_applications, _kbs, _total) = (result.Applications, result.KnowledgeBases, result.Total);
        return new TableData<ListProposals.Row> { Items = result.Rows, TotalItems = result.Total };
    }

    private async Task ApplicationChangedAsync(Guid? application)
    {
        _application = application;
        if (_kb is { } kb && application is not null && _kbs.FirstOrDefault(k => k.Id == kb)?.ApplicationId != application)
        {
            _kb = null;
        }

        await ReloadAsync();
    }

    private async Task KnowledgeBaseChangedAsync(Guid? kb)
    {
        _kb = kb;
        await ReloadAsync();
    }

    private async Task ClearAsync()
    {
        (_application, _kb) = (null, null);
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        if (_table is not null)
        {
            await _table.ReloadServerData();
        }
    }
}
