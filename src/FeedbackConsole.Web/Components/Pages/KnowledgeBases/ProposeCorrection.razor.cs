using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases.Revisions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace FeedbackConsole.Web.Components.Pages.KnowledgeBases;

/// <summary>
/// "Propose correction" from a case: pick a knowledge base of the case's application and what to do — create an
/// entry (a fact, a few-shot example, a guard rule) or revise an entry the answer retrieved — prefilled from the
/// end user's correction and the reviewer's corrected answer, shown side by side against the current revision.
/// Submitting writes the proposal, links it to the case and moves the case to CorrectionProposed in one transaction.
/// </summary>
public partial class ProposeCorrection
{
    private const string Create = "create";
    private const int TitleLength = 80;

    private GetProposalContext.Context? _context;
    private Guid _kbId;
    private string _action = Create;
    private RevisionEditModel _model = new();
    private string? _error;
    private bool _busy;
    private bool _loading = true;

    private sealed record Option(string Value, string Label);

    [Parameter]
    public long CaseId { get; set; }

    [Inject]
    public required UseCases UseCases { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private GetProposalContext.KnowledgeBaseChoice Kb => _context!.KnowledgeBases.First(k => k.Id == _kbId);

    /// <summary>The retrieved entry being revised, or null when creating one.</summary>
    private GetProposalContext.UsedEntry? Revised =>
        _action == Create ? null : _context!.UsedEntries.FirstOrDefault(u => u.EntryId.ToString() == _action);

    /// <summary>Guards hold rules, not answers: the texts on the left are not offered for them.</summary>
    private bool CanUseText => _context is { KnowledgeBases.Count: > 0 } && Kb.Kind != KnowledgeBaseKind.Guards;

    private IEnumerable<Option> Options
    {
        get
        {
            yield return new Option(Create, Kb.Kind switch
            {
                KnowledgeBaseKind.Facts => "Create a fact entry",
                KnowledgeBaseKind.Examples => "Add a few-shot example",
                _ => "Add a guard rule",
            });
            foreach (var used in _context!.UsedEntries.Where(u => u.KnowledgeBaseId == _kbId))
            {
                yield return new Option(used.EntryId.ToString(), $"Revise “{used.Content.Title}” (retrieved for this answer)");
            }
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        _context = await UseCases.RunAsync<GetProposalContext, GetProposalContext.Context?>(h => h.HandleAsync(CaseId));
        if (_context is { KnowledgeBases.Count: > 0 } c)
        {
            // Start where the answer came from: the knowledge base of the first retrieved entry, else the first facts base.
            _kbId = c.UsedEntries.Count > 0 ? c.UsedEntries[0].KnowledgeBaseId : c.KnowledgeBases[0].Id;
            _action = c.UsedEntries.FirstOrDefault(u => u.KnowledgeBaseId == _kbId)?.EntryId.ToString() ?? Create;
            Prefill();
        }

        _loading = false;
    }

    private void KnowledgeBaseChanged(Guid kbId)
    {
        _kbId = kbId;
        _action = Create;
        Prefill();
    }

    private void ActionChanged(string action)
    {
        _action = action;
        Prefill();
    }

    private void UseText(string? text) => _model.Content = text ?? "";

    /// <summary>Fills the fields for the chosen knowledge base and action; the summary the reviewer wrote is kept.</summary>
    private void Prefill()
    {
        var c = _context!;
        var summary = _model.Summary;
        var corrected = !string.IsNullOrWhiteSpace(c.ProposedAnswer) ? c.ProposedAnswer : c.Correction?.Text ?? "";
        var mode = c.ConfirmedModes.FirstOrDefault(m => c.FailureModes.Any(f => f.Key == m));
        if (Revised is { } used)
        {
            _model = RevisionEditModel.From(used.Content);
            if (used.Kind == KnowledgeBaseKind.Examples && corrected.Length > 0)
            {
                _model.Content = corrected;
            }
        }
        else
        {
            _model = Kb.Kind switch
            {
                KnowledgeBaseKind.Facts => new RevisionEditModel { Title = Shorten(c.Input), Content = corrected },
                KnowledgeBaseKind.Examples => new RevisionEditModel
                {
                    Title = Shorten(c.Input), Input = c.Input, Content = corrected, TaskType = c.TaskType, FailureModeKey = mode,
                },
                _ => new RevisionEditModel { GuardType = GuardRuleType.ForbiddenPhrase, TaskType = c.TaskType },
            };
        }

        _model.Summary = summary;
        _error = null;
    }

    private async Task SubmitAsync()
    {
        _busy = true;
        _error = null;
        var user = KbFormat.UserId((await AuthenticationState).User);
        var revised = Revised;
        var result = await UseCases.RunAsync<ProposeRevision, Result<ProposeRevision.Outcome>>(h => h.HandleAsync(new ProposeRevision.Request
        {
            KnowledgeBaseId = _kbId,
            EntryId = revised?.EntryId,
            Change = revised is null ? RevisionChange.Create : RevisionChange.Update,
            Content = _model.ToContent(),
            Summary = _model.Summary,
            CaseId = CaseId,
            SignalId = _context!.Correction?.SignalId,
        }, user));
        _busy = false;
        if (result.Succeeded)
        {
            Navigation.NavigateTo(KbFormat.RevisionHref(result.Value!.RevisionId));
        }
        else
        {
            _error = result.Error;
        }
    }

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= TitleLength ? line : line[..(TitleLength - 1)].TrimEnd() + "…";
    }
}
