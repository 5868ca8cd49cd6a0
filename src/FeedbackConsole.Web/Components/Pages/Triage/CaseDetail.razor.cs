using System.Globalization;
using System.Security.Claims;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage;
using FeedbackConsole.Core.Features.Triage.Cases;
using FeedbackConsole.Core.Features.Triage.Claims;
using FeedbackConsole.Core.Features.Triage.Queue;
using FeedbackConsole.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.Triage;

/// <summary>
/// One case: what the end user saw and said, and the reviewer's labeling. Every change is a command with the
/// version the page loaded; a stale save opens a dialog that says who changed what since, and offers to re-apply
/// the change on the current version or discard it. Changes by others show as a notice without a reload.
/// </summary>
public partial class CaseDetail : IDisposable
{
    private static readonly DialogOptions SmallDialog = new() { MaxWidth = MaxWidth.Small, FullWidth = true };

    private GetCaseDetail.Detail? _detail;
    private GetCaseNeighbours.Result? _neighbours;
    private long _loadedId;
    private bool _loading = true;
    private bool _busy;
    private string _userId = "";
    private string _noteDraft = "";
    private string _answerDraft = "";
    private string? _externalChange;
    private bool _subscribed;
    private KeyboardShortcuts? _keys;
    private IReadOnlyList<Shortcut> _shortcuts = [];

    /// <summary>A change the reviewer asked for, kept so it can be re-applied after a conflict.</summary>
    private sealed record PendingChange(string Description, Func<CaseStamp, Task<CaseCommandResult>> Run);

    [Parameter]
    public long Id { get; set; }

    /// <summary>The queue's filter as its query string (<see cref="QueueFilter.ToQueryString"/>), for Esc, j and k.</summary>
    [SupplyParameterFromQuery(Name = "q")]
    public string? Q { get; set; }

    [Inject]
    public required UseCases UseCases { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required CaseChangeFeed Feed { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>The reader's time zone (a change of it renders again; the case is not read again).</summary>
    [CascadingParameter]
    public PeopleTime PeopleTime { get; set; } = PeopleTime.Utc;

    private string AssigneeText => _detail switch
    {
        null => "",
        { AssigneeId: null } => "Unassigned",
        { AssigneeId: var a, LeaseExpiresAt: { } until } when a == _userId => $"You hold it until {PeopleTime.Compact(until, Time.GetUtcNow())}",
        { AssigneeId: var a } when a == _userId => "Assigned to you",
        { AssigneeName: var name } => $"Held by {name ?? "someone"}",
    };

    protected override async Task OnInitializedAsync() =>
        _userId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";

    protected override async Task OnParametersSetAsync()
    {
        if (Id == _loadedId && _detail is not null)
        {
            return;
        }

        _loading = true;
        _externalChange = null;
        await LoadAsync(fresh: true);
        _neighbours = _detail is null
            ? null
            : await UseCases.RunAsync<GetCaseNeighbours, GetCaseNeighbours.Result>(h => h.HandleAsync(Id, QueueFilter.Parse(Q), _userId));
        _loadedId = Id;
        _loading = false;
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && !_subscribed)
        {
            Feed.Changed += OnCaseChanged;
            _subscribed = true;
        }
    }

    /// <summary>Loads the case. Unsaved drafts (note, answer) survive a reload unless this is another case.</summary>
    private async Task LoadAsync(bool fresh = false)
    {
        var previous = _detail;
        var detail = await UseCases.RunAsync<GetCaseDetail, GetCaseDetail.Detail?>(h => h.HandleAsync(Id));
        var sameCase = !fresh && previous is not null && detail is not null && previous.Id == detail.Id;
        if (!sameCase || _noteDraft.Trim() == (previous!.ReviewerNote ?? ""))
        {
            _noteDraft = detail?.ReviewerNote ?? "";
        }

        if (!sameCase || _answerDraft.Trim() == (previous!.ProposedAnswer ?? ""))
        {
            _answerDraft = detail?.ProposedAnswer ?? "";
        }

        _detail = detail;
        _shortcuts = BuildShortcuts();
        StateHasChanged();
    }

    private List<Shortcut> BuildShortcuts()
    {
        var shortcuts = new List<Shortcut>();
        if (_detail is { } d)
        {
            var nodes = d.Taxonomy.Modes.ToDictionary(m => m.Id);
            foreach (var (id, index) in d.Taxonomy.MostUsed.Select((id, i) => (id, i)))
            {
                if (nodes.TryGetValue(id, out var node))
                {
                    var key = (index + 1).ToString(CultureInfo.InvariantCulture);
                    shortcuts.Add(new Shortcut(key, $"Confirm or remove “{node.Name}”", () => ToggleModeAsync((id, !IsConfirmed(id))), "Labeling"));
                }
            }

            shortcuts.Add(new Shortcut("/", "Search every failure mode", () => _keys?.FocusAsync("#case-mode-search") ?? Task.CompletedTask, "Labeling"));
        }

        shortcuts.Add(new Shortcut("j", "Next case in the queue", NextAsync, "Navigation"));
        shortcuts.Add(new Shortcut("k", "Previous case in the queue", PreviousAsync, "Navigation"));
        shortcuts.Add(Shortcut.Sync("Escape", "Back to the queue (leaves a field first)", () => Navigation.NavigateTo(CaseFormat.QueueHref(Q)), "Navigation"));
        return shortcuts;
    }

    private bool IsConfirmed(int modeId) => _detail?.FailureModes.Any(m => m.FailureModeId == modeId && m.Confirmed) == true;

    private Task ShowShortcutsAsync() => _keys?.ShowHelpAsync() ?? Task.CompletedTask;

    private Task NextAsync() => GoToAsync(_neighbours?.Next);

    private Task PreviousAsync() => GoToAsync(_neighbours?.Previous);

    private Task GoToAsync(GetCaseNeighbours.Neighbour? neighbour)
    {
        if (neighbour is null)
        {
            Snackbar.Add("There is no further case in the queue's order.", Severity.Info);
        }
        else
        {
            Navigation.NavigateTo(CaseFormat.CaseHref(neighbour.CaseId, CaseFormat.WithPage(Q, neighbour.Page)));
        }

        return Task.CompletedTask;
    }

    // ---- Commands

    private async Task ToggleModeAsync((int Id, bool Confirm) toggle)
    {
        var name = _detail?.Taxonomy.Modes.FirstOrDefault(m => m.Id == toggle.Id)?.Name ?? "the failure mode";
        await ApplyAsync(new PendingChange(
            toggle.Confirm ? $"confirm “{name}”" : $"remove “{name}”",
            stamp => UseCases.RunAsync<ToggleFailureMode, CaseCommandResult>(h => h.HandleAsync(_detail!.Id, stamp, toggle.Id, toggle.Confirm, _userId))));
    }

    private async Task SetSeverityAsync(CaseSeverity? severity) =>
        await ApplyAsync(new PendingChange(
            severity is null ? "clear the severity" : $"set severity to {severity}",
            stamp => UseCases.RunAsync<SetSeverity, CaseCommandResult>(h => h.HandleAsync(_detail!.Id, stamp, severity, _userId))));

    private async Task SaveNoteAsync()
    {
        var note = _noteDraft;
        await ApplyAsync(new PendingChange(
            string.IsNullOrWhiteSpace(note) ? "clear the note" : $"set the note to “{Shorten(note)}”",
            stamp => UseCases.RunAsync<SetNote, CaseCommandResult>(h => h.HandleAsync(_detail!.Id, stamp, note, _userId))),
            onDiscard: () => _noteDraft = _detail?.ReviewerNote ?? "");
    }

    private async Task SaveAnswerAsync()
    {
        var answer = _answerDraft;
        await ApplyAsync(new PendingChange(
            string.IsNullOrWhiteSpace(answer) ? "withdraw the proposed answer" : $"propose the answer “{Shorten(answer)}”",
            stamp => UseCases.RunAsync<ProposeAnswer, CaseCommandResult>(h => h.HandleAsync(_detail!.Id, stamp, answer, _userId))),
            onDiscard: () => _answerDraft = _detail?.ProposedAnswer ?? "");
    }

    private async Task DismissAsync()
    {
        var parameters = new DialogParameters<CaseDismissDialog>
        {
            {
                d => d.Submit, reason => ApplyAsync(
                    new PendingChange(
                        $"dismiss the case with the reason “{Shorten(reason)}”",
                        stamp => UseCases.RunAsync<DismissCase, CaseCommandResult>(h => h.HandleAsync(_detail!.Id, stamp, reason, _userId))),
                    errorsInline: true)
            },
        };
        var dialog = await Dialogs.ShowAsync<CaseDismissDialog>($"Dismiss case #{_detail!.Id}", parameters, SmallDialog);
        await dialog.Result;
    }

    private async Task MarkDuplicateAsync()
    {
        var parameters = new DialogParameters<CaseDuplicateDialog>
        {
            {
                d => d.Submit, of => ApplyAsync(
                    new PendingChange(
                        $"mark it a duplicate of case #{of}",
                        stamp => UseCases.RunAsync<MarkDuplicate, CaseCommandResult>(h => h.HandleAsync(_detail!.Id, stamp, of, _userId))),
                    errorsInline: true)
            },
            { d => d.Suggestions, _detail!.Similar.Select(s => s.Id).Take(5).ToList() },
        };
        var dialog = await Dialogs.ShowAsync<CaseDuplicateDialog>($"Mark case #{_detail.Id} as a duplicate", parameters, SmallDialog);
        await dialog.Result;
    }

    private async Task ReopenAsync() =>
        await ApplyAsync(new PendingChange(
            "reopen the case",
            stamp => UseCases.RunAsync<ReopenCase, CaseCommandResult>(h => h.HandleAsync(_detail!.Id, stamp, _userId))));

    /// <summary>
    /// Runs a change against the version the page shows. A refusal is shown (in the calling dialog when
    /// <paramref name="errorsInline"/>, returned to it); a conflict reloads the page behind a dialog that says who
    /// changed what, then re-applies the change on the current version or discards it, as the reviewer chooses.
    /// </summary>
    private async Task<string?> ApplyAsync(PendingChange change, bool errorsInline = false, Action? onDiscard = null)
    {
        if (_detail is null || _busy)
        {
            return null;
        }

        _busy = true;
        try
        {
            var stamp = _detail.Stamp;
            while (true)
            {
                var result = await change.Run(stamp);
                switch (result.Outcome)
                {
                    case CaseCommandOutcome.Saved:
                    case CaseCommandOutcome.Unchanged:
                        await RenewClaimAsync();
                        await LoadAsync();
                        _externalChange = null;
                        return null;
                    case CaseCommandOutcome.Refused when errorsInline:
                        return result.Error;
                    case CaseCommandOutcome.Refused:
                        Snackbar.Add(result.Error ?? "The change was refused.", Severity.Warning);
                        return null;
                    case CaseCommandOutcome.Conflict:
                        await LoadAsync();
                        _externalChange = null;
                        if (!await AskReapplyAsync(result.Conflict!, change.Description))
                        {
                            onDiscard?.Invoke();
                            Snackbar.Add("Your change was discarded. The page shows the current version.", Severity.Info);
                            return null;
                        }

                        stamp = _detail!.Stamp;
                        continue;
                    default:
                        await LoadAsync();
                        Snackbar.Add(result.Error ?? "This case no longer exists.", Severity.Error);
                        return null;
                }
            }
        }
        finally
        {
            _busy = false;
            StateHasChanged();
        }
    }

    private async Task<bool> AskReapplyAsync(CaseConflict conflict, string myChange)
    {
        var parameters = new DialogParameters<CaseConflictDialog>
        {
            { d => d.Conflict, conflict },
            { d => d.MyChange, char.ToUpperInvariant(myChange[0]) + myChange[1..] + (myChange.EndsWith('”') ? "" : ".") },
            { d => d.Now, Time.GetUtcNow() },
        };
        var dialog = await Dialogs.ShowAsync<CaseConflictDialog>(
            "Someone changed this case", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false, CloseOnEscapeKey = false });
        var outcome = await dialog.Result;
        return outcome is { Canceled: false, Data: true };
    }

    private async Task ClaimAsync()
    {
        _busy = true;
        var result = await UseCases.RunAsync<ClaimCase, Result<ClaimOutcome>>(h => h.HandleAsync(_detail!.Id, _userId));
        _busy = false;
        await LoadAsync();
        if (!result.Succeeded)
        {
            Snackbar.Add(result.Error ?? "The case could not be claimed.", Severity.Warning);
        }
    }

    private async Task ReleaseAsync()
    {
        _busy = true;
        var result = await UseCases.RunAsync<ReleaseClaim, Result>(h => h.HandleAsync(_detail!.Id, _userId));
        _busy = false;
        await LoadAsync();
        if (!result.Succeeded)
        {
            Snackbar.Add(result.Error ?? "The claim could not be released.", Severity.Warning);
        }
    }

    /// <summary>Working on a case one holds keeps the claim alive.</summary>
    private async Task RenewClaimAsync()
    {
        if (_detail is { AssigneeId: var holder, LeaseExpiresAt: not null } && holder == _userId)
        {
            await UseCases.RunAsync<RenewClaim, Result<DateTimeOffset?>>(h => h.HandleAsync(_detail.Id, _userId));
        }
    }

    private async Task ShowCurrentAsync()
    {
        await LoadAsync();
        _externalChange = null;
    }

    /// <summary>Someone else changed a case: if it is this one, say who and what, without touching the reviewer's work.</summary>
    private void OnCaseChanged(CaseChange change)
    {
        if (_detail is not { } shown || !change.CaseIds.Contains(shown.Id) || change.ActorId == _userId)
        {
            return;
        }

        _ = InvokeAsync(async () =>
        {
            if (_detail?.Id != shown.Id)
            {
                return;
            }

            var changes = await UseCases.RunAsync<GetCaseDetail, IReadOnlyList<CaseChangeSummary>>(h => h.ChangesSinceAsync(shown.Id, _detail.Stamp));
            if (changes.Count > 0)
            {
                var now = Time.GetUtcNow();
                _externalChange = string.Join(" ", changes.Select(c => c.Sentence(t => PeopleTime.Compact(t, now)) + "."));
                StateHasChanged();
            }
        });
    }

    private static string Shorten(string text)
    {
        var line = text.Trim().ReplaceLineEndings(" ");
        return line.Length <= 80 ? line : line[..79] + "…";
    }

    public void Dispose()
    {
        if (_subscribed)
        {
            Feed.Changed -= OnCaseChanged;
        }

        GC.SuppressFinalize(this);
    }
}
