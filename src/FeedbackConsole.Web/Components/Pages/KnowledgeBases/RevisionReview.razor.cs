using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Features.KnowledgeBases.Revisions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.KnowledgeBases;

/// <summary>
/// One revision: the diff against what is approved now, its source cases, and the decision. The author sees the
/// Approve button disabled with the reason (four-eyes); the server refuses it too.
/// </summary>
public partial class RevisionReview
{
    private GetRevision.View? _view;
    private string? _comment;
    private string? _error;
    private bool _busy;
    private bool _loading = true;
    private string _userId = "";

    [Parameter]
    public Guid RevisionId { get; set; }

    [Inject]
    public required UseCases UseCases { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        _userId = KbFormat.UserId((await AuthenticationState).User);
        await LoadAsync();
        _loading = false;
    }

    private async Task LoadAsync() =>
        _view = await UseCases.RunAsync<GetRevision, GetRevision.View?>(h => h.HandleAsync(RevisionId, _userId));

    private Task ApproveAsync() => DecideAsync((h, id) => h.ApproveAsync(id, _comment, _userId), "Approved. The next release of this knowledge base takes it.");

    private Task RejectAsync() => DecideAsync((h, id) => h.RejectAsync(id, _comment, _userId), "Rejected. The author sees your comment.");

    private Task WithdrawAsync() => DecideAsync((h, id) => h.WithdrawAsync(id, _comment, _userId), "Withdrawn.");

    private async Task DecideAsync(Func<RevisionDecisions, Guid, Task<Result>> decide, string done)
    {
        _busy = true;
        _error = null;
        var result = await UseCases.RunAsync<RevisionDecisions, Result>(h => decide(h, RevisionId));
        _busy = false;
        if (result.Succeeded)
        {
            _comment = null;
            Snackbar.Add(done, Severity.Success);
        }
        else
        {
            _error = result.Error;
        }

        await LoadAsync();
    }
}
