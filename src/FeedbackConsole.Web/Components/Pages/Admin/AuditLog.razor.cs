using System.Globalization;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.Admin;

/// <summary>
/// /admin/audit: the audit trail, filtered and paged on the server, with chain verification. The filters live
/// in the address (?actor=…&amp;action=case.&amp;…), so a view can be bookmarked and shared.
/// </summary>
public partial class AuditLog
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;
    private static readonly int[] PageSizes = [25, 50, 100];

    private readonly HashSet<long> _expanded = [];
    private MudTable<AuditEventView>? _table;
    private GetAuditFilterChoices.Choices? _choices;
    private int _total;
    private bool _verifying;
    private VerifyAuditChain.Outcome? _verification;
    private string _appliedQuery = "";
    private PeopleTime? _loadedDaysIn;

    [Inject]
    public required UseCases UseCases { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [Inject]
    public required ILogger<AuditLog> Logger { get; init; }

    [SupplyParameterFromQuery(Name = "actor")]
    public string? ActorFilter { get; set; }

    [SupplyParameterFromQuery(Name = "action")]
    public string? ActionFilter { get; set; }

    [SupplyParameterFromQuery(Name = "type")]
    public string? TypeFilter { get; set; }

    [SupplyParameterFromQuery(Name = "entity")]
    public string? EntityFilter { get; set; }

    [SupplyParameterFromQuery(Name = "app")]
    public string? AppFilter { get; set; }

    /// <summary>First day shown, yyyy-MM-dd.</summary>
    [SupplyParameterFromQuery(Name = "from")]
    public string? FromFilter { get; set; }

    /// <summary>Last day shown (inclusive), yyyy-MM-dd.</summary>
    [SupplyParameterFromQuery(Name = "to")]
    public string? ToFilter { get; set; }

    [SupplyParameterFromQuery(Name = "q")]
    public string? TextFilter { get; set; }

    /// <summary>The reader's time zone: times are shown in it and the From/To days start at its midnight.</summary>
    [CascadingParameter]
    public PeopleTime PeopleTime { get; set; } = PeopleTime.Utc;

    private DateTimeOffset Now => Time.GetUtcNow();

    private bool HasFilters => !string.IsNullOrEmpty(QueryKey());

    private DateTime? FromDate => ParseDay(FromFilter)?.ToDateTime(TimeOnly.MinValue);

    private DateTime? ToDate => ParseDay(ToFilter)?.ToDateTime(TimeOnly.MinValue);

    private IEnumerable<GetAuditFilterChoices.Choice> ActionChoices => WithCurrent(_choices?.Actions, ActionFilter, AuditNames.Action);

    private IEnumerable<GetAuditFilterChoices.Choice> TypeChoices => WithCurrent(_choices?.EntityTypes, TypeFilter, AuditNames.EntityType);

    private IEnumerable<GetAuditFilterChoices.Choice> ApplicationChoices => WithCurrent(_choices?.Applications, AppFilter, v => v);

    private string CountLabel
    {
        get
        {
            var events = _total == 1 ? "1 event" : $"{_total.ToString("N0", Culture)} events";
            return !HasFilters ? events : _total == 1 ? $"{events} matches these filters" : $"{events} match these filters";
        }
    }

    protected override async Task OnInitializedAsync()
    {
        _appliedQuery = QueryKey();
        _choices = await UseCases.RunAsync<GetAuditFilterChoices, GetAuditFilterChoices.Choices>(h => h.HandleAsync());
    }

    protected override async Task OnParametersSetAsync()
    {
        // The address changed (a filter was set, or back/forward): show the first page of the new view.
        var key = QueryKey();
        if (_table is null)
        {
            return;
        }

        if (key == _appliedQuery)
        {
            // The browser's zone arrived after the first page was read: its days now start at another midnight.
            if (_loadedDaysIn is not null && _loadedDaysIn != PeopleTime && (FromFilter is not null || ToFilter is not null))
            {
                await _table.ReloadServerData();
            }

            return;
        }

        _appliedQuery = key;
        _expanded.Clear();
        _table.NavigateTo(0);
        await _table.ReloadServerData();
    }

    private async Task<TableData<AuditEventView>> LoadAsync(TableState state, CancellationToken cancellationToken)
    {
        var query = new ListAuditEvents.Query
        {
            Actor = ActorFilter,
            ActionPrefix = ActionFilter,
            EntityType = TypeFilter,
            EntityId = EntityFilter,
            ApplicationId = Guid.TryParse(AppFilter, out var app) ? app : null,
            From = StartOf(ParseDay(FromFilter), PeopleTime.Zone),
            To = StartOf(ParseDay(ToFilter)?.AddDays(1), PeopleTime.Zone),
            Text = TextFilter,
            Page = state.Page,
            PageSize = state.PageSize,
        };
        _loadedDaysIn = PeopleTime;
        var page = await UseCases.RunAsync<ListAuditEvents, ListAuditEvents.PageResult>(h => h.HandleAsync(query, cancellationToken));
        _total = page.TotalCount;
        return new TableData<AuditEventView> { Items = page.Items, TotalItems = page.TotalCount };
    }

    private void SetFilter(
        string? actor = null, string? action = null, string? type = null, string? entity = null,
        string? app = null, string? from = null, string? to = null, string? text = null)
    {
        // Each argument left null keeps the current value; an empty string clears that filter.
        var values = new Dictionary<string, object?>
        {
            ["actor"] = Clean(actor ?? ActorFilter),
            ["action"] = Clean(action ?? ActionFilter),
            ["type"] = Clean(type ?? TypeFilter),
            ["entity"] = Clean(entity ?? EntityFilter),
            ["app"] = Clean(app ?? AppFilter),
            ["from"] = Clean(from ?? FromFilter),
            ["to"] = Clean(to ?? ToFilter),
            ["q"] = Clean(text ?? TextFilter),
        };
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(values), replace: true);
    }

    private void ClearFilters() =>
        SetFilter(actor: "", action: "", type: "", entity: "", app: "", from: "", to: "", text: "");

    private void Toggle(long id)
    {
        if (!_expanded.Remove(id))
        {
            _expanded.Add(id);
        }
    }

    private async Task VerifyAsync()
    {
        _verifying = true;
        _verification = null;
        StateHasChanged();
        try
        {
            _verification = await UseCases.RunAsync<VerifyAuditChain, VerifyAuditChain.Outcome>(h => h.HandleAsync());
        }
#pragma warning disable CA1031 // A failed check is reported on the page, never as a broken circuit.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Logger.LogError(ex, "Audit chain verification failed to run.");
            Snackbar.Add("The check could not run: the database did not answer. Try again in a moment.", Severity.Error);
        }
        finally
        {
            _verifying = false;
        }
    }

    private static string VerifiedText(VerifyAuditChain.Outcome outcome) => outcome.EventsChecked switch
    {
        0 => "No events yet — there is nothing to verify.",
        1 => "1 event verified — the chain is intact.",
        var n => $"{n.ToString("N0", Culture)} events verified — the chain is intact.",
    };

    private static string BrokenMeaning(VerifyAuditChain.Outcome outcome)
    {
        var intact = outcome.EventsChecked switch
        {
            0 => "No event before it could be confirmed.",
            1 => "Event #1 before it is intact.",
            var n => $"Events #1–#{n.ToString("N0", Culture)} before it are intact.",
        };
        return $"{intact} The console never edits or deletes audit events, so this was done directly in the database. " +
               "Restore the audit records from a backup taken before the change, and find out who had access.";
    }

    private static string? EntityHref(AuditEventView e) => e.EntityType switch
    {
        AuditEntityTypes.Case => $"/cases/{Uri.EscapeDataString(e.EntityId)}",
        AuditEntityTypes.Application when Guid.TryParse(e.EntityId, out var id) => $"/admin/applications/{id:D}",
        AuditEntityTypes.ApiKey when e.ApplicationId is { } app => $"/admin/applications/{app:D}",
        AuditEntityTypes.User => "/admin/users",
        _ => null,
    };

    private static string Day(DateTime? date) => date?.ToString("yyyy-MM-dd", Culture) ?? "";

    private static DateOnly? ParseDay(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", Culture, DateTimeStyles.None, out var day) ? day : null;

    /// <summary>"From" or "From (UTC)": the days are the reader's, in UTC until their browser's zone is known.</summary>
    private string DayLabel(string label) => PeopleTime.IsBrowserZone ? label : label + " (UTC)";

    /// <summary>Midnight at the start of a day in <paramref name="zone"/> (the reader's, the one the page shows times in).</summary>
    internal static DateTimeOffset? StartOf(DateOnly? day, TimeZoneInfo zone)
    {
        if (day is not { } d)
        {
            return null;
        }

        var local = d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // A midnight skipped by a clock change (some zones spring forward at 00:00) starts at the first hour that exists.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The menu's choices, plus the current value when the menu does not know it (a shared link to an action not seen here yet).</summary>
    private static IEnumerable<GetAuditFilterChoices.Choice> WithCurrent(
        IReadOnlyList<GetAuditFilterChoices.Choice>? choices, string? current, Func<string, string> label)
    {
        var list = choices ?? [];
        return string.IsNullOrEmpty(current) || list.Any(c => c.Value == current)
            ? list
            : list.Append(new GetAuditFilterChoices.Choice(current, label(current)));
    }

    private string QueryKey() =>
        string.Join('\u001f', ActorFilter, ActionFilter, TypeFilter, EntityFilter, AppFilter, FromFilter, ToFilter, TextFilter).Trim('\u001f');
}
