using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace FeedbackConsole.Web.Components.Shared;

/// <summary>
/// Wraps the interactive app (Routes): cascades <see cref="PeopleTime"/> and, on the first interactive render,
/// asks the browser for its time zone, stores it in the circuit's <see cref="BrowserTimeZone"/> and renders
/// again, so every component with a <c>[CascadingParameter] PeopleTime</c> (and every <see cref="LocalTime"/>)
/// switches from labelled UTC to the person's own time. Prerendered HTML keeps labelled UTC.
/// </summary>
public sealed partial class PeopleTimeProvider : ComponentBase
{
    /// <summary>The module is served from wwwroot-assets at /assets (see ConsoleWebExtensions).</summary>
    public const string ModulePath = "./assets/time-zone.js";

    [Parameter]
    public RenderFragment? ChildContent { get; set; }

    [Inject]
    public required BrowserTimeZone Zone { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || Zone.IsRead)
        {
            return;
        }

        try
        {
            await using var module = await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
            Zone.Set(await module.InvokeAsync<string?>("timeZone"));
        }
        catch (JSDisconnectedException)
        {
            return;
        }
        catch (JSException)
        {
            Zone.Set(null);
        }

        StateHasChanged();
    }
}
