using System.Security.Claims;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Features.Taxonomy;
using FeedbackConsole.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.Admin;

public partial class Taxonomy
{
    private GetTaxonomy.View? _view;
    private int? _selectedId;
    private bool _showRetired;
    private string _actingUserId = "";

    [Inject]
    public required UseCases UseCases { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private IReadOnlyList<GetTaxonomy.Node> VisibleModes =>
        _view is null ? [] : _showRetired ? _view.Modes : _view.Modes.Where(m => !m.IsRetired).ToList();

    private int RetiredCount => _view?.Modes.Count(m => m.IsRetired) ?? 0;

    private GetTaxonomy.Node? Selected => _view?.Modes.FirstOrDefault(m => m.Id == _selectedId);

    private IReadOnlyList<GetTaxonomy.Rule> SelectedRules =>
        _view is null || _selectedId is null ? [] : _view.Rules.Where(r => r.FailureModeId == _selectedId).ToList();

    protected override async Task OnInitializedAsync()
    {
        _actingUserId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        await ReloadAsync();
        _selectedId = FirstVisibleId();
    }

    private int? FirstVisibleId() => VisibleModes.Count == 0 ? null : VisibleModes[0].Id;

    private async Task ReloadAsync() =>
        _view = await UseCases.RunAsync<GetTaxonomy, GetTaxonomy.View>(h => h.HandleAsync());

    private void Select(int id) => _selectedId = id;

    private void ToggleRetired(bool show)
    {
        _showRetired = show;
        if (!show && Selected is { IsRetired: true })
        {
            _selectedId = FirstVisibleId();
        }
    }

    private static string NodeClass(GetTaxonomy.Node mode, bool selected) =>
        "taxonomy-node"
        + (selected ? " taxonomy-node-selected" : "")
        + (mode.Depth == 0 ? " taxonomy-node-family" : "")
        + (mode.IsRetired ? " taxonomy-node-retired" : "");


    private string ParentLabel(GetTaxonomy.Node mode) =>
        mode.ParentId is { } parentId && _view!.Modes.FirstOrDefault(m => m.Id == parentId) is { } parent
            ? $"Under {parent.Name}"
            : "Top-level family";

    private static string DeleteHint(GetTaxonomy.Node mode) =>
        mode.CanDelete
            ? "Delete this mode for good (it was never used)"
            : "A mode in use is never deleted: it is on cases, has rules or has modes below it. Retire it instead.";

    private static string Conditions(GetTaxonomy.Rule rule)
    {
        var draft = rule.ToDraft().Validate().Rule;
        return draft is null ? "—" : RuleDraft.Describe(draft);
    }

    private async Task<bool> RunAsync<THandler>(Func<THandler, Task<Result>> call, string? success = null)
        where THandler : notnull
    {
        var result = await UseCases.RunAsync(call);
        if (!result.Succeeded)
        {
            Snackbar.Add(result.Error ?? "The change was refused.", Severity.Error);
        }
        else if (success is not null)
        {
            Snackbar.Add(success, Severity.Success);
        }

        await ReloadAsync();
        return result.Succeeded;
    }

    private async Task CreateAsync(GetTaxonomy.Node? parent)
    {
        var parameters = new DialogParameters<FailureModeDialog>
        {
            { d => d.Parent, parent },
        };
        var dialog = await Dialogs.ShowAsync<FailureModeDialog>(parent is null ? "New family" : $"New mode under {parent.Name}", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: int id })
        {
            await ReloadAsync();
            _selectedId = id;
        }
    }

    private async Task RenameAsync(GetTaxonomy.Node mode)
    {
        var parameters = new DialogParameters<FailureModeDialog>
        {
            { d => d.Existing, mode },
        };
        var dialog = await Dialogs.ShowAsync<FailureModeDialog>($"Rename {mode.Name}", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            await ReloadAsync();
        }
    }

    private async Task MoveAsync(GetTaxonomy.Node mode)
    {
        var parameters = new DialogParameters<MoveFailureModeDialog>
        {
            { d => d.Mode, mode },
            { d => d.Modes, _view!.Modes },
        };
        var dialog = await Dialogs.ShowAsync<MoveFailureModeDialog>($"Move {mode.Name}", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            await ReloadAsync();
        }
    }

    private async Task RetireAsync(GetTaxonomy.Node mode)
    {
        var below = _view!.Modes.Count(m => IsBelow(m, mode.Id) && !m.IsRetired);
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            $"Retire {mode.Name}?",
            "Enrichment stops suggesting it from its next pass and reviewers are no longer offered it. Cases keep it where they have it, " +
            "and you can restore it later." + (below > 0 ? $" The {Words.Plural(below, "mode", "modes")} below it are retired with it." : ""),
            yesText: "Retire", cancelText: "Cancel");
        if (confirmed == true)
        {
            var result = await UseCases.RunAsync<RetireFailureMode, Result<int>>(h => h.HandleAsync(mode.Id, _actingUserId));
            if (!result.Succeeded)
            {
                Snackbar.Add(result.Error ?? "The change was refused.", Severity.Error);
            }

            _showRetired = true; // keep the retired mode in view, where it can be restored
            await ReloadAsync();
        }
    }

    private async Task RestoreAsync(GetTaxonomy.Node mode) =>
        await RunAsync<RestoreFailureMode>(h => h.HandleAsync(mode.Id, _actingUserId), $"{mode.Name} is active again.");

    private async Task DeleteAsync(GetTaxonomy.Node mode)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            $"Delete {mode.Name}?",
            $"“{mode.Key}” was never used, so it can go for good. The deletion is recorded in the audit trail.",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed == true && await RunAsync<DeleteFailureMode>(h => h.HandleAsync(mode.Id, _actingUserId), $"{mode.Name} was deleted."))
        {
            _selectedId = mode.ParentId ?? FirstVisibleId();
        }
    }

    private async Task EditRuleAsync(GetTaxonomy.Node mode, GetTaxonomy.Rule? rule)
    {
        var parameters = new DialogParameters<RuleDialog>
        {
            { d => d.Mode, mode },
            { d => d.Existing, rule },
        };
        var dialog = await Dialogs.ShowAsync<RuleDialog>(rule is null ? $"New rule for {mode.Name}" : $"Edit rule “{rule.Name}”", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            await ReloadAsync();
        }
    }

    private async Task DeleteRuleAsync(GetTaxonomy.Rule rule)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            $"Delete the rule “{rule.Name}”?",
            "Enrichment stops using it from its next pass. Suggestions it already made stay on their cases until those cases get new feedback.",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed == true)
        {
            await RunAsync<DeleteRule>(h => h.HandleAsync(rule.Id, _actingUserId), "The rule was deleted.");
        }
    }

    private bool IsBelow(GetTaxonomy.Node candidate, int ancestorId)
    {
        for (var parentId = candidate.ParentId; parentId is not null; parentId = _view!.Modes.FirstOrDefault(m => m.Id == parentId)?.ParentId)
        {
            if (parentId == ancestorId)
            {
                return true;
            }
        }

        return false;
    }
}
