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
/// The triage queue: the address bar holds the filter (shareable, the back button works); the grid pages and
/// sorts on the server; claims and changes by others show up without a reload (the case change feed for this
/// instance, a cheap 10-second poll for the others).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "The triage queue page, not a Queue collection.")]
public sealed partial class Queue : IAsyncDisposable
{
    public const int MaxBulkSelection = 500;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FeedDebounce = TimeSpan.FromMilliseconds(300);

    private MudTable<QueryQueue.Row>? _table;
    private KeyboardShortcuts? _keys;
    private QueueFilter _filter = QueueFilter.Default;
    private string _loadedQuery = "\u0000";
    private IReadOnlyList<QueryQueue.Row> _rows = [];
    private IReadOnlyDictionary<CaseStatus, int> _counts = new Dictionary<CaseStatus, int>();
    private int _total;
    private DateTimeOffset _now;
    private bool _loaded;
    private string? _error;
    private long? _highlightedId;
    private readonly HashSet<long> _selected = [];
    private GetQueueChoices.Choices? _choices;
    private IReadOnlyList<SavedViewItem> _views = [];
    private IReadOnlyList<GetAssigneeProgress.Row>? _progress;
    private bool _progressOpen;
    private string _userId = "";
    private bool _isLead;
    private bool _busy;
    private string? _stamp;
    private PeriodicTimer? _pollTimer;
    private CancellationTokenSource? _feedDebounce;
    private int _ownActions;
    private readonly CancellationTokenSource _disposed = new();
    private IReadOnlyList<Shortcut> _shortcuts = [];
    private string? _textDraft;

    [Inject]
    public required UseCases UseCases { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required CaseChangeFeed Feed { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private static readonly CaseStatus[] StatusOrder = Enum.GetValues<CaseStatus>();

    private int OpenCount => CaseStatusSet.Open.Statuses.Sum(s => _counts.GetValueOrDefault(s));

    private int AllCount => _counts.Values.Sum();

    private bool ClusterSelectable => _filter.ClusterId is not null && _total > 0;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _userId = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        _isLead = user.IsInRole(Roles.Lead) || user.IsInRole(Roles.Admin);
        _shortcuts =
        [
            Shortcut.Sync("j", "Highlight the next case", () => MoveHighlight(1), "Queue"),
            Shortcut.Sync("k", "Highlight the previous case", () => MoveHighlight(-1), "Queue"),
            Shortcut.Sync("Enter", "Open the highlighted case", OpenHighlighted, "Queue"),
            Shortcut.Sync("x", "Select or unselect the highlighted case", ToggleHighlightedSelection, "Queue"),
            new("n", "Claim the next case and open it", NextCaseAsync, "Queue"),
            new("/", "Search the text of questions and answers", () => _keys?.FocusAsync("#queue-text") ?? Task.CompletedTask, "Queue"),
        ];
        _choices = await UseCases.RunAsync<GetQueueChoices, GetQueueChoices.Choices>(h => h.HandleAsync());
        _views = await UseCases.RunAsync<ListSavedViews, IReadOnlyList<SavedViewItem>>(h => h.HandleAsync(_userId));
    }

    protected override async Task OnParametersSetAsync()
    {
        // Called again when only the query string changes (a filter, the back button, a saved view).
        _filter = QueueFilter.Parse(new Uri(Navigation.Uri).Query);
        _textDraft = _filter.Text;
        if (_table is not null && _filter.ToQueryString() != _loadedQuery)
        {
            await _table.ReloadServerData();
        }
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            Feed.Changed += OnCaseChanged;
            _ = PollAsync();
        }
    }

    private async Task<TableData<QueryQueue.Row>> LoadAsync(TableState state, CancellationToken cancellationToken)
    {
        var filter = _filter;
        try
        {
            var result = await UseCases.RunAsync<QueryQueue, QueryQueue.Result>(h => h.HandleAsync(filter, _userId, cancellationToken));
            _rows = result.Rows;
            _counts = result.CountsByStatus;
            _total = result.Total;
            _now = result.Now;
            _error = null;
            _loadedQuery = filter.ToQueryString();
            _stamp = null;
            if (_highlightedId is { } id && _rows.All(r => r.Id != id))
            {
                _highlightedId = null;
            }
        }
        catch (OperationCanceledException)
        {
            throw;
        }
#pragma warning disable CA1031 // Shown as a readable message; the grid stays usable.
        catch (Exception)
#pragma warning restore CA1031
        {
            _error = "The queue could not be loaded just now. Try again in a moment.";
            _rows = [];
        }

        _loaded = true;
        if (_isLead && _progressOpen)
        {
            await LoadProgressAsync();
        }

        // The status tabs, the pager and the bulk bar live outside the table: render them with the new numbers.
        StateHasChanged();
        return new TableData<QueryQueue.Row> { Items = _rows, TotalItems = _total };
    }

    private Task ReloadAsync() => _table?.ReloadServerData() ?? Task.CompletedTask;

    // ---- Filter changes: every change is a new address, so back and forward and sharing work.

    private void Apply(QueueFilter filter)
    {
        var query = filter.ToQueryString();
        Navigation.NavigateTo(query.Length == 0 ? "triage" : "triage?" + query);
    }

    private void Change(Func<QueueFilter, QueueFilter> change) => Apply(change(_filter).FirstPage());

    private void ShowStatus(CaseStatusSet statuses) => Change(f => f with { Statuses = statuses });

    private void ClearFilters() => Apply(new QueueFilter { Sort = _filter.Sort, Descending = _filter.Descending, PageSize = _filter.PageSize });

    private void SetText(string? text)
    {
        var value = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        if (value != _filter.Text)
        {
            Change(f => f with { Text = value });
        }
    }

    private void GoToPage(int page) => Apply(_filter with { Page = Math.Max(1, page) });

    private int PageCount => Math.Max(1, (int)Math.Ceiling(_total / (double)_filter.PageSize));

    private string RangeLabel
    {
        get
        {
            if (_total == 0)
            {
                return "No cases";
            }

            var first = ((_filter.Page - 1) * _filter.PageSize) + 1;
            var last = Math.Min(_total, first + _rows.Count - 1);
            return _rows.Count == 0 ? $"Page {_filter.Page} is past the end of {_total:N0} cases" : $"{first:N0}–{last:N0} of {_total:N0}";
        }
    }

    private DateRange? DateRangeValue =>
        _filter.From is null && _filter.To is null
            ? null
            : new DateRange(_filter.From?.ToDateTime(TimeOnly.MinValue), _filter.To?.ToDateTime(TimeOnly.MinValue));

    private void SetDateRange(DateRange? range) => Change(f => f with
    {
        From = range?.Start is { } start ? DateOnly.FromDateTime(start) : null,
        To = range?.End is { } end ? DateOnly.FromDateTime(end) : null,
    });

    private Task<IEnumerable<string?>> SearchModesAsync(string? text, CancellationToken cancellationToken)
    {
        var modes = _choices?.FailureModes ?? [];
        IEnumerable<string?> keys = modes
            .Where(m => string.IsNullOrWhiteSpace(text)
                        || m.Key.Contains(text, StringComparison.OrdinalIgnoreCase)
                        || m.Name.Contains(text, StringComparison.OrdinalIgnoreCase))
            .Select(m => (string?)m.Key);
        return Task.FromResult(keys);
    }

    private string ModeLabel(string? key)
    {
        if (key is null)
        {
            return "";
        }

        var mode = _choices?.FailureModes.FirstOrDefault(m => m.Key == key);
        return mode is null ? key : $"{mode.Name} ({mode.Key})";
    }

    private string PersonName(string? id) =>
        id is null ? "" : _choices?.People.FirstOrDefault(p => p.Value == id)?.Label ?? "someone else";

    // ---- Rows and keyboard.

    private string RowClass(QueryQueue.Row row, int index)
    {
        var classes = "fc-clickable-row fc-queue-row";
        if (row.Id == _highlightedId)
        {
            classes += " fc-row-highlighted";
        }

        if (_selected.Contains(row.Id))
        {
            classes += " fc-row-selected";
        }

        return classes;
    }

    private void MoveHighlight(int by)
    {
        if (_rows.Count == 0)
        {
            return;
        }

        var index = _highlightedId is { } id ? _rows.ToList().FindIndex(r => r.Id == id) : -1;
        index = index < 0 ? (by > 0 ? 0 : _rows.Count - 1) : Math.Clamp(index + by, 0, _rows.Count - 1);
        _highlightedId = _rows[index].Id;
        StateHasChanged();
        _ = _keys?.FocusAsync($"#queue-row-{_highlightedId}");
    }

    private void OpenHighlighted()
    {
        if (_highlightedId is { } id)
        {
            Open(id);
        }
    }

    // The case page gets the queue's filter, so that Esc returns to this view and j/k follow its order.
    private void Open(long caseId) => Navigation.NavigateTo(CaseFormat.CaseHref(caseId, _filter.ToQueryString()));

    private void OnRowClick(TableRowClickEventArgs<QueryQueue.Row> e)
    {
        if (e.Item is { } row)
        {
            Open(row.Id);
        }
    }

    private void ToggleHighlightedSelection()
    {
        if (_highlightedId is { } id)
        {
            ToggleSelected(id, !_selected.Contains(id));
        }
    }

    private void ToggleSelected(long id, bool selected)
    {
        if (selected)
        {
            _selected.Add(id);
        }
        else
        {
            _selected.Remove(id);
        }

        StateHasChanged();
    }

    private bool? PageSelection =>
        _rows.Count == 0 || _rows.All(r => !_selected.Contains(r.Id)) ? false
        : _rows.All(r => _selected.Contains(r.Id)) ? true
        : null;

    private void TogglePage(bool? value)
    {
        if (PageSelection == true)
        {
            _selected.ExceptWith(_rows.Select(r => r.Id));
        }
        else
        {
            _selected.UnionWith(_rows.Select(r => r.Id));
        }
    }

    private async Task SelectWholeClusterAsync()
    {
        var filter = _filter;
        var result = await UseCases.RunAsync<ListQueueCaseIds, ListQueueCaseIds.Result>(h => h.HandleAsync(filter, _userId, MaxBulkSelection));
        _selected.UnionWith(result.Ids);
        if (result.Truncated)
        {
            Snackbar.Add($"Selected the first {MaxBulkSelection} cases of the cluster; a bulk action takes at most that many.", Severity.Info);
        }
    }

    // ---- Claims.

    private async Task NextCaseAsync()
    {
        if (_busy)
        {
            return;
        }

        _busy = true;
        StateHasChanged();
        try
        {
            var filter = _filter;
            var result = await UseCases.RunAsync<NextCase, Result<ClaimOutcome>>(h => h.HandleAsync(_userId, filter));
            if (result.Succeeded)
            {
                Open(result.Value!.CaseId);
            }
            else
            {
                Snackbar.Add(result.Error ?? "", Severity.Info);
            }
        }
        finally
        {
            _busy = false;
        }
    }

    // ---- Saved views.

    private async Task SaveViewAsync()
    {
        var dialog = await Dialogs.ShowAsync<QueueSaveViewDialog>("Save this view", new DialogOptions { MaxWidth = MaxWidth.ExtraSmall, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: string name })
        {
            return;
        }

        var filter = _filter;
        var saved = await UseCases.RunAsync<SaveView, Result<SaveView.Outcome>>(h => h.HandleAsync(_userId, name, filter));
        if (!saved.Succeeded)
        {
            Snackbar.Add(saved.Error ?? "", Severity.Warning);
            return;
        }

        _views = await UseCases.RunAsync<ListSavedViews, IReadOnlyList<SavedViewItem>>(h => h.HandleAsync(_userId));
        Snackbar.Add(saved.Value!.Replaced ? $"Updated the view “{saved.Value.View.Name}”." : $"Saved the view “{saved.Value.View.Name}”.", Severity.Success);
    }

    private void OpenView(SavedViewItem view) => Navigation.NavigateTo(view.Query.Length == 0 ? "triage" : "triage?" + view.Query);

    private async Task DeleteViewAsync(SavedViewItem view)
    {
        var result = await UseCases.RunAsync<DeleteSavedView, Result>(h => h.HandleAsync(_userId, view.Id));
        _views = await UseCases.RunAsync<ListSavedViews, IReadOnlyList<SavedViewItem>>(h => h.HandleAsync(_userId));
        Snackbar.Add(result.Succeeded ? $"Deleted the view “{view.Name}”." : result.Error ?? "", result.Succeeded ? Severity.Normal : Severity.Warning);
    }

    // ---- Bulk actions.

    private async Task BulkAssignAsync(string? assigneeId)
    {
        var ids = _selected.ToList();
        var result = await OwnActionAsync(() => UseCases.RunAsync<AssignCase, Result<AssignCase.Outcome>>(h => h.HandleAsync(ids, assigneeId, _userId)));
        if (!result.Succeeded)
        {
            Snackbar.Add(result.Error ?? "", Severity.Warning);
            return;
        }

        var who = assigneeId is null ? "back to the queue" : "to " + PersonName(assigneeId);
        var skipped = result.Value!.Skipped > 0 ? $" {result.Value.Skipped} already were, or are closed." : "";
        Snackbar.Add($"Assigned {Cases(result.Value.Assigned)} {who}.{skipped}", Severity.Success);
        _selected.Clear();
        await ReloadAsync();
    }

    private async Task BulkLabelAsync(string? modeKey)
    {
        if (string.IsNullOrEmpty(modeKey))
        {
            return;
        }

        var ids = _selected.ToList();
        var result = await OwnActionAsync(() => UseCases.RunAsync<BulkLabel, BulkCaseResult>(h => h.HandleAsync(ids, modeKey, _userId)));
        await ReportBulkAsync(result, $"Labeled {{0}} as {ModeLabel(modeKey)}.");
    }

    private async Task BulkDismissAsync()
    {
        var parameters = new DialogParameters<QueueDismissDialog> { { d => d.Count, _selected.Count } };
        var dialog = await Dialogs.ShowAsync<QueueDismissDialog>("Dismiss cases", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: string reason })
        {
            return;
        }

        var ids = _selected.ToList();
        var result = await OwnActionAsync(() => UseCases.RunAsync<BulkDismiss, BulkCaseResult>(h => h.HandleAsync(ids, reason, _userId)));
        await ReportBulkAsync(result, "Dismissed {0}.");
    }

    private async Task ReportBulkAsync(BulkCaseResult result, string doneFormat)
    {
        if (!result.Succeeded)
        {
            Snackbar.Add(result.Error ?? "", Severity.Warning);
            return;
        }

        var message = string.Format(System.Globalization.CultureInfo.InvariantCulture, doneFormat, Cases(result.Changed.Count));
        if (result.Unchanged.Count > 0)
        {
            message += $" {Cases(result.Unchanged.Count)} already were.";
        }

        if (result.Skipped.Count > 0)
        {
            message += $" Skipped {Cases(result.Skipped.Count)}: {result.Skipped[0].Reason}";
        }

        Snackbar.Add(message, result.Skipped.Count > 0 ? Severity.Warning : Severity.Success);
        _selected.Clear();
        await ReloadAsync();
    }

    /// <summary>
    /// Runs one of this page's own actions. The action reloads the grid itself when it is done, so the change
    /// notice it raises (published synchronously, after commit, inside the call) must not trigger a second reload
    /// a moment later: that reload replaced the rows under the reviewer's next click.
    /// </summary>
    private async Task<T> OwnActionAsync<T>(Func<Task<T>> action)
    {
        Interlocked.Increment(ref _ownActions);
        try
        {
            return await action();
        }
        finally
        {
            Interlocked.Decrement(ref _ownActions);
        }
    }

    private static string Cases(int n) => n == 1 ? "1 case" : $"{n} cases";

    // ---- Leads' progress panel.

    private async Task ToggleProgressAsync(bool open)
    {
        _progressOpen = open;
        if (open)
        {
            await LoadProgressAsync();
        }
    }

    private async Task LoadProgressAsync()
    {
        var since = new DateTimeOffset(Time.GetLocalNow().Date, Time.GetLocalNow().Offset);
        _progress = await UseCases.RunAsync<GetAssigneeProgress, IReadOnlyList<GetAssigneeProgress.Row>>(h => h.HandleAsync(since));
    }

    // ---- Live updates.

    private void OnCaseChanged(CaseChange change)
    {
        if (change.ActorId == _userId && Volatile.Read(ref _ownActions) > 0)
        {
            return;
        }

        // Debounced: a burst of changes (enrichment, a bulk action) refreshes once.
        var debounce = new CancellationTokenSource();
        Interlocked.Exchange(ref _feedDebounce, debounce)?.Cancel();
        _ = Task.Delay(FeedDebounce, debounce.Token).ContinueWith(
            t => t.IsCanceled ? Task.CompletedTask : InvokeAsync(RefreshFromFeedAsync),
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private async Task RefreshFromFeedAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await ReloadAsync();
        StateHasChanged();
    }

    private async Task PollAsync()
    {
        _pollTimer = new PeriodicTimer(PollInterval);
        try
        {
            while (await _pollTimer.WaitForNextTickAsync(_disposed.Token))
            {
                try
                {
                    var visible = _rows.Select(r => r.Id).ToList();
                    var stamp = await UseCases.RunAsync<GetQueueStamp, string>(h => h.HandleAsync(visible, _disposed.Token));
                    if (_stamp is not null && stamp != _stamp)
                    {
                        await InvokeAsync(RefreshFromFeedAsync);
                    }

                    _stamp = stamp;
                }
                catch (OperationCanceledException)
                {
                    throw;
                }
#pragma warning disable CA1031 // A failed poll (database busy, restarting) must not end live updates: the next tick tries again.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The page was left.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Feed.Changed -= OnCaseChanged;
        await _disposed.CancelAsync();
        _disposed.Dispose();
        _pollTimer?.Dispose();
        _feedDebounce?.Cancel();
    }
}
