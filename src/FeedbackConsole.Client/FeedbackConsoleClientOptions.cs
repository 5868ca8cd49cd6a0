using System.ComponentModel.DataAnnotations;

namespace FeedbackConsole.Client;

public sealed class FeedbackConsoleClientOptions
{
    /// <summary>Where FeedbackConsole runs, e.g. <c>https://feedback.example.com/</c>.</summary>
    [Required]
    public Uri? BaseAddress { get; set; }

    /// <summary>The application's server key (<c>fc_live_…</c>).</summary>
    [Required]
    public string ApiKey { get; set; } = "";

    /// <summary>Items per request (the server accepts at most 500).</summary>
    [Range(1, 500)]
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>Attempts after the first for a transient failure.</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 5;

    /// <summary>First retry delay; later ones grow exponentially with jitter (or follow Retry-After).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Time for one attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time for a request including all its retries.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
