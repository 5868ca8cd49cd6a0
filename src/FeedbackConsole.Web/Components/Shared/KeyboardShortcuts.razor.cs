using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Shared;

/// <summary>
/// Keyboard shortcuts for the page it is placed on. Put one on a page and give it the page's keys:
/// <code>
/// &lt;KeyboardShortcuts @ref="_keys" Title="Triage queue" Shortcuts="_shortcuts" /&gt;
///
/// _shortcuts =
/// [
///     new("j", "Next case", NextAsync, "Navigation"),
///     Shortcut.Sync("/", "Search", () => _ = _keys.FocusAsync("#queue-search"), "Navigation"),
/// ];
/// </code>
/// The keys work from the first interactive render until the page is left (the registration is disposed with
/// the component). They never fire while the person types in a field — there <c>Esc</c> only leaves the field —
/// nor while a dialog is open or with Ctrl, Alt or Meta held. <c>?</c> opens <see cref="ShortcutsOverlay"/>
/// listing every key of the page unless the page maps <c>?</c> itself or sets <see cref="HelpKey"/> to false;
/// a button can open it too with <see cref="ShowHelpAsync"/>. Actions run on the component's dispatcher, so
/// they may call <c>StateHasChanged</c> and navigate.
/// </summary>
public sealed partial class KeyboardShortcuts : ComponentBase, IAsyncDisposable
{
    /// <summary>The module is served from wwwroot-assets at /assets (see ConsoleWebExtensions).</summary>
    public const string ModulePath = "./assets/keyboard-shortcuts.js";

    private IJSObjectReference? _module;
    private DotNetObjectReference<KeyboardShortcuts>? _self;
    private int? _registration;
    private string _registeredKeys = "";
    private bool _disposed;

    /// <summary>The page's shortcuts. A new list (or new keys) is re-registered on the next render.</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<Shortcut> Shortcuts { get; set; } = [];

    /// <summary>The overlay's title: "Keyboard shortcuts · Case".</summary>
    [Parameter]
    public string Title { get; set; } = "Keyboard shortcuts";

    /// <summary>Whether <c>?</c> opens the overlay (on by default).</summary>
    [Parameter]
    public bool HelpKey { get; set; } = true;

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    /// <summary>Every key the overlay lists, <c>?</c> included.</summary>
    public IReadOnlyList<Shortcut> AllShortcuts =>
        HelpKey && Shortcuts.All(s => s.Key != "?")
            ? [.. Shortcuts, new Shortcut("?", "Show these shortcuts", ShowHelpAsync, Shortcuts.Count > 0 ? Shortcuts[^1].Group : "General")]
            : Shortcuts;

    /// <summary>Opens the overlay listing the page's keys.</summary>
    public async Task ShowHelpAsync()
    {
        var parameters = new DialogParameters<ShortcutsOverlay> { { o => o.Shortcuts, AllShortcuts } };
        await Dialogs.ShowAsync<ShortcutsOverlay>(Title, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseButton = true });
    }

    /// <summary>Moves the focus to the element matching a CSS selector (a search box for "/", say) and selects its text.</summary>
    public async Task FocusAsync(string selector)
    {
        if (_module is not null)
        {
            await _module.InvokeVoidAsync("focus", selector);
        }
    }

    /// <summary>Called by the module when a registered key is pressed outside a field.</summary>
    [JSInvokable]
    public Task InvokeShortcut(string key) => InvokeAsync(async () =>
    {
        var shortcut = Shortcuts.FirstOrDefault(s => s.Key == key);
        if (shortcut is not null)
        {
            await shortcut.Action();
        }
        else if (key == "?" && HelpKey)
        {
            await ShowHelpAsync();
        }
    });

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        var keys = AllShortcuts.Select(s => s.Key).Distinct().ToArray();
        var signature = string.Join('\u001f', keys);
        try
        {
            if (_registration is null)
            {
                _module ??= await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
                _self ??= DotNetObjectReference.Create(this);
                if (_disposed)
                {
                    return;
                }

                _registration = await _module.InvokeAsync<int>("register", _self, keys);
                _registeredKeys = signature;
            }
            else if (signature != _registeredKeys)
            {
                await _module!.InvokeVoidAsync("update", _registration, keys);
                _registeredKeys = signature;
            }
        }
        catch (JSDisconnectedException)
        {
            // The browser went away before the keys were registered.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        try
        {
            if (_module is not null)
            {
                if (_registration is { } id)
                {
                    await _module.InvokeVoidAsync("unregister", id);
                }

                await _module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone; so are the browser's listeners.
        }

        _self?.Dispose();
    }
}
