namespace FeedbackConsole.Web.Components.Shared;

/// <summary>
/// The browser's time zone for one circuit (a scoped service): <see cref="PeopleTimeProvider"/> reads it once,
/// on the first interactive render, and cascades <see cref="Current"/>. Before that it is the labelled UTC
/// stand-in.
/// </summary>
public sealed class BrowserTimeZone
{
    /// <summary>How times are written for this circuit's person.</summary>
    public PeopleTime Current { get; private set; } = PeopleTime.Utc;

    /// <summary>Whether the browser has been asked (its answer may still have been unknown: then UTC, labelled).</summary>
    public bool IsRead { get; private set; }

    /// <summary>Takes the browser's IANA zone id; an unknown or missing one leaves UTC, labelled.</summary>
    public void Set(string? ianaId)
    {
        Current = PeopleTime.ForZone(ianaId);
        IsRead = true;
    }
}
