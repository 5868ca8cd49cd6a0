using System.Globalization;
using System.Security.Claims;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Taxonomy;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.Admin;

/// <summary>Adds or edits a rule, with a live server-side count of the recent signals it would match.</summary>
public sealed partial class RuleDialog : IDisposable
{
    private static readonly TimeSpan PreviewDelay = TimeSpan.FromMilliseconds(350);

    private string _name = "";
    private SignalKind? _kind;
    private string? _dimension;
    private int? _maxRating;
    private bool? _thumbUp;
    private FlagCategory? _flag;
    private string? _pattern;
    private double _weight = 0.5;
    private bool _enabled = true;
    private string? _error;
    private bool _busy;
    private PreviewRule.Preview? _preview;
    private string? _previewError;
    private CancellationTokenSource? _previewRun;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Parameter, EditorRequired]
    public required GetTaxonomy.Node Mode { get; set; }

    /// <summary>The rule to edit; null to add one.</summary>
    [Parameter]
    public GetTaxonomy.Rule? Existing { get; set; }

    private RuleDraft Draft => new(_name, _kind, _dimension, _flag, _maxRating, _thumbUp, _pattern, _weight, _enabled);

    protected override void OnInitialized()
    {
        if (Existing is { } rule)
        {
            (_name, _kind, _dimension, _maxRating, _thumbUp, _flag, _pattern, _weight, _enabled) =
                (rule.Name, rule.Kind, rule.Dimension, rule.MaxRating, rule.ThumbUp, rule.Flag, rule.TextPattern, rule.Weight, rule.Enabled);
        }
        else
        {
            _kind = SignalKind.Comment;
        }

        SchedulePreview();
    }

    private static string KindLabel(SignalKind kind) => kind switch
    {
        SignalKind.Thumb => "Thumb",
        SignalKind.Rating => "Rating",
        SignalKind.Flag => "Flag",
        SignalKind.Comment => "Comment",
        SignalKind.Correction => "Correction",
        SignalKind.Rejection => "Rejection",
        SignalKind.Reformulation => "Reformulation (asked again)",
        SignalKind.Copy => "Copy",
        SignalKind.Dwell => "Dwell",
        SignalKind.Regenerate => "Regenerate",
        SignalKind.Abandon => "Abandon",
        _ => kind.ToString(),
    };

    private void KindChanged(SignalKind? kind)
    {
        _kind = kind;
        // Conditions that do not apply to the new kind are cleared rather than refused.
        if (kind is not (null or SignalKind.Rating))
        {
            _dimension = null;
            _maxRating = null;
        }

        if (kind is not (null or SignalKind.Thumb))
        {
            _thumbUp = null;
        }

        if (kind is not (null or SignalKind.Flag))
        {
            _flag = null;
        }

        SchedulePreview();
    }

    private static string PreviewHeadline(PreviewRule.Preview preview)
    {
        var matches = preview.Matches.ToString("N0", CultureInfo.InvariantCulture);
        var sample = preview.Sample.ToString("N0", CultureInfo.InvariantCulture);
        return preview.Sample == 0
            ? "No signals stored yet, so nothing to match."
            : $"This rule matches {matches} of the last {sample} signals.";
    }

    private static string PreviewNote(PreviewRule.Preview preview)
    {
        var notes = new List<string>();
        if (preview.IsSampled)
        {
            notes.Add($"{preview.Total.ToString("N0", CultureInfo.InvariantCulture)} signals are stored; the preview looks at the most recent {PreviewRule.SampleSize.ToString("N0", CultureInfo.InvariantCulture)}.");
        }

        if (preview.IsPartial)
        {
            notes.Add($"It stopped after checking {preview.Checked.ToString("N0", CultureInfo.InvariantCulture)} texts to stay quick, so the real count is higher.");
        }

        notes.Add("Counted across all applications, sent and derived signals alike; the rule applies to new feedback from enrichment's next pass.");
        return string.Join(" ", notes);
    }

    private void SchedulePreview()
    {
        _previewRun?.Cancel();
        _previewRun?.Dispose();
        _previewRun = new CancellationTokenSource();
        _ = PreviewAsync(Draft, _previewRun.Token);
    }

    private async Task PreviewAsync(RuleDraft draft, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(PreviewDelay, cancellationToken);
            _preview = null;
            _previewError = null;
            await InvokeAsync(StateHasChanged);
            var result = await UseCases.RunAsync<PreviewRule, Result<PreviewRule.Preview>>(h => h.HandleAsync(draft, cancellationToken));
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            _preview = result.Succeeded ? result.Value : null;
            _previewError = result.Succeeded ? null : result.Error;
            await InvokeAsync(StateHasChanged);
        }
        catch (OperationCanceledException)
        {
            // A newer edit started its own preview.
        }
    }

    private async Task SaveAsync()
    {
        _busy = true;
        _error = null;
        var actingUserId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        var draft = Draft;
        Result result;
        if (Existing is null)
        {
            var created = await UseCases.RunAsync<CreateRule, Result<int>>(h => h.HandleAsync(Mode.Id, draft, actingUserId));
            result = created.Succeeded ? Result.Ok() : Result.Fail(created.Error!);
        }
        else
        {
            result = await UseCases.RunAsync<UpdateRule, Result>(h => h.HandleAsync(Existing.Id, draft, actingUserId));
        }

        _busy = false;
        if (result.Succeeded)
        {
            Dialog.Close(DialogResult.Ok(true));
        }
        else
        {
            _error = result.Error;
        }
    }

    private void Cancel() => Dialog.Cancel();

    public void Dispose()
    {
        _previewRun?.Cancel();
        _previewRun?.Dispose();
    }
}
