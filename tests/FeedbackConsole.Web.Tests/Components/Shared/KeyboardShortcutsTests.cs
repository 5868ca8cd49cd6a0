using Bunit;
using FeedbackConsole.Web.Components.Shared;
using FeedbackConsole.Web.Tests.Shared;
using MudBlazor;

namespace FeedbackConsole.Web.Tests.Components.Shared;

public sealed class KeyboardShortcutsTests : IAsyncDisposable
{
    private readonly ConsoleBunitContext _context = new();

    public ValueTask DisposeAsync() => _context.DisposeAsync();

    [Fact]
    public void FirstRender_RegistersEveryKeyWithTheModule_HelpKeyIncluded()
    {
        var module = _context.JSInterop.SetupModule(KeyboardShortcuts.ModulePath);
        module.Setup<int>("register", _ => true).SetResult(1);

        _context.Render<KeyboardShortcuts>(p => p.Add(k => k.Shortcuts, [Shortcut.Sync("j", "Next", () => { }), Shortcut.Sync("Escape", "Back", () => { })]));

        var register = module.VerifyInvoke("register");
        Assert.Equal(["j", "Escape", "?"], (string[])register.Arguments[1]!);
    }

    [Fact]
    public async Task InvokeShortcut_KnownKey_RunsItsAction()
    {
        var pressed = new List<string>();
        var keys = _context.Render<KeyboardShortcuts>(p => p.Add(k => k.Shortcuts, [Shortcut.Sync("j", "Next", () => pressed.Add("j"))]));

        await keys.InvokeAsync(() => keys.Instance.InvokeShortcut("j"));
        await keys.InvokeAsync(() => keys.Instance.InvokeShortcut("x"));

        Assert.Equal(["j"], pressed);
    }

    [Fact]
    public async Task QuestionMark_OpensTheOverlayListingEveryKey()
    {
        var provider = _context.Render<MudDialogProvider>();
        var keys = _context.Render<KeyboardShortcuts>(p => p
            .Add(k => k.Title, "Keyboard shortcuts · Case")
            .Add(k => k.Shortcuts, [Shortcut.Sync("j", "Next case in the queue", () => { }, "Navigation"), Shortcut.Sync("Escape", "Back to the queue", () => { }, "Navigation")]));

        await keys.InvokeAsync(() => keys.Instance.InvokeShortcut("?"));

        provider.WaitForAssertion(() => Assert.Contains("Next case in the queue", provider.Markup, StringComparison.Ordinal));
        var rows = provider.FindAll(".fc-shortcut-row");
        Assert.Equal(["j", "Esc", "?"], rows.Select(r => r.QuerySelector("kbd")!.TextContent));
        Assert.Contains("Keyboard shortcuts · Case", provider.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpKeyOff_DoesNotRegisterQuestionMark()
    {
        var module = _context.JSInterop.SetupModule(KeyboardShortcuts.ModulePath);
        module.Setup<int>("register", _ => true).SetResult(1);

        _context.Render<KeyboardShortcuts>(p => p.Add(k => k.HelpKey, false).Add(k => k.Shortcuts, [Shortcut.Sync("k", "Previous", () => { })]));

        Assert.Equal(["k"], (string[])module.VerifyInvoke("register").Arguments[1]!);
    }

    [Fact]
    public async Task Dispose_UnregistersTheKeys()
    {
        var module = _context.JSInterop.SetupModule(KeyboardShortcuts.ModulePath);
        module.Setup<int>("register", _ => true).SetResult(7);
        module.SetupVoid("unregister", _ => true).SetVoidResult();
        var keys = _context.Render<KeyboardShortcuts>(p => p.Add(k => k.Shortcuts, [Shortcut.Sync("j", "Next", () => { })]));

        await keys.Instance.DisposeAsync();

        Assert.Equal(7, module.VerifyInvoke("unregister").Arguments[0]);
    }
}
