namespace FeedbackConsole.Web.Components.Shared;

/// <summary>
/// One keyboard shortcut of a page: the key as the browser names it (<c>KeyboardEvent.key</c>: "j", "/", "?",
/// "1", "Escape"), what it does in a few words, and the action. <see cref="Group"/> heads its section in the
/// overlay ("Navigation", "Labeling"); <see cref="Label"/> is how the overlay writes the key.
/// </summary>
public sealed record Shortcut(string Key, string Description, Func<Task> Action, string Group = "General")
{
    public string Label { get; init; } = Key switch
    {
        "Escape" => "Esc",
        "Enter" => "Enter",
        " " => "Space",
        "ArrowUp" => "↑",
        "ArrowDown" => "↓",
        _ => Key,
    };

    /// <summary>A shortcut whose action needs no await.</summary>
    public static Shortcut Sync(string key, string description, Action action, string group = "General") =>
        new(key, description, () =>
        {
            action();
            return Task.CompletedTask;
        }, group);
}
