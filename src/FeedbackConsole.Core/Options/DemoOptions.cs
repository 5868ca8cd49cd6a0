using System.ComponentModel.DataAnnotations;

namespace FeedbackConsole.Core.Options;

/// <summary>Demo data for a first look at the console. Section <c>Demo</c>. Off unless asked for.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>
    /// On the first start with no captured interactions, create the application "Acme Support Assistant (demo)"
    /// and send it simulated traffic through the client library. The quick-start launch profile turns it on.
    /// </summary>
    public bool SeedOnFirstRun { get; set; }

    /// <summary>Days of simulated traffic, ending now.</summary>
    [Range(1, 365)]
    public int Days { get; set; } = 30;

    /// <summary>Simulated model turns per day.</summary>
    [Range(1, 10_000)]
    public int TurnsPerDay { get; set; } = 60;
}
