using System.Security.Claims;
using System.Text.Json;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Admin.Applications;
using FeedbackConsole.Core.Features.Notifications;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.Notifications;

public partial class Outbox
{
    private static readonly (string Key, string Label)[] StatusChoices =
        [("all", "All"), ("pending", "Pending"), ("failed", "Failed, retrying"), ("sent", "Sent"), ("dead", "Dead-lettered")];

    private ListOutbox.View? _view;
    private IReadOnlyList<ListApplications.Row> _applications = [];
    private DeliveryStatus? _status;
    private Guid? _application;
    private int _page;
    private bool _busy;
    private string _actingUserId = "";
    private PreviewDelivery.Preview? _preview;

    [Inject]
    public required UseCases UseCases { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [SupplyParameterFromQuery(Name = "status")]
    public string? StatusQuery { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private DateTimeOffset Now => Time.GetUtcNow();

    private string StatusKey => _status switch
    {
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.Failed => "failed",
        DeliveryStatus.Sent => "sent",
        DeliveryStatus.DeadLettered => "dead",
        _ => "all",
    };

    private string EmptyTitle => _status is null ? "Nothing has been sent yet" : $"No {StatusLabel(_status.Value).ToLowerInvariant()} deliveries";

    private string RangeLabel =>
        $"{(_page * ListOutbox.PageSize) + 1}–{(_page * ListOutbox.PageSize) + _view!.Rows.Count} of {_view.Total:N0}";

    protected override async Task OnInitializedAsync()
    {
        _actingUserId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        _status = StatusOf(StatusQuery);
        _applications = await UseCases.RunAsync<ListApplications, IReadOnlyList<ListApplications.Row>>(h => h.HandleAsync());
        await LoadAsync();
    }

    private int CountOf(string key) => _view is null
        ? 0
        : StatusOf(key) is { } status ? _view.Counts.GetValueOrDefault(status) : _view.Counts.Values.Sum();

    private static DeliveryStatus? StatusOf(string? key) => key switch
    {
        "pending" => DeliveryStatus.Pending,
        "failed" => DeliveryStatus.Failed,
        "sent" => DeliveryStatus.Sent,
        "dead" => DeliveryStatus.DeadLettered,
        _ => null,
    };

    private async Task LoadAsync() =>
        _view = await UseCases.RunAsync<ListOutbox, ListOutbox.View>(h => h.HandleAsync(_status, _application, _page));

    private async Task SelectStatusAsync(string? key)
    {
        _status = StatusOf(key);
        _page = 0;
        await LoadAsync();
    }

    private async Task SelectApplicationAsync(Guid? application)
    {
        _application = application;
        _page = 0;
        await LoadAsync();
    }

    private async Task PageAsync(int delta)
    {
        _page = Math.Max(0, _page + delta);
        await LoadAsync();
    }

    private async Task PreviewAsync(ListOutbox.Row row) =>
        _preview = await UseCases.RunAsync<PreviewDelivery, PreviewDelivery.Preview?>(h => h.HandleAsync(row.Id));

    private async Task RetryAsync(ListOutbox.Row row)
    {
        _busy = true;
        var result = await UseCases.RunAsync<RetryDelivery, Result>(h => h.HandleAsync(row.Id, _actingUserId));
        _busy = false;
        if (result.Succeeded)
        {
            Snackbar.Add("Queued again: it is sent within seconds.", Severity.Success);
        }
        else
        {
            Snackbar.Add(result.Error ?? "Could not retry.", Severity.Warning);
        }

        await LoadAsync();
    }

    private static string WhatLabel(ListOutbox.Row row) => row.Channel == DeliveryChannel.Email
        ? row.EventType switch
        {
            "released" => row.Digest ? "Email (digest): correction released" : "Email: correction released",
            "dismissed" => row.Digest ? "Email (digest): feedback dismissed" : "Email: feedback dismissed",
            _ => row.Digest ? "Email (digest): fix milestone" : "Email: fix milestone",
        }
        : $"Webhook {row.EventType}";

    private static string ToLabel(ListOutbox.Row row) => row.Channel == DeliveryChannel.Email
        ? $"{row.Recipient} (end user {row.EndUserId})"
        : row.EndUserId is { } user ? $"Application backend, about end user {user}" : "Application backend";

    private static string StatusLabel(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Failed => "Failed, retrying",
        DeliveryStatus.DeadLettered => "Dead-lettered",
        _ => status.ToString(),
    };

    private static Color StatusColor(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Sent => Color.Success,
        DeliveryStatus.Failed => Color.Warning,
        DeliveryStatus.DeadLettered => Color.Error,
        _ => Color.Info,
    };

    private static string PrettyJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return "";
        }

        using var document = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(document.RootElement, PrettyOptions);
    }

    private static readonly JsonSerializerOptions PrettyOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
