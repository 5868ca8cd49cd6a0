using FeedbackConsole.Core.Domain;

namespace FeedbackConsole.Core.Features.Enrichment;

/// <summary>
/// Whether a signal says the answer was good (+1), bad (−1) or neither (0), and how strongly a bad one
/// weighs (0..1) when a case is prioritised.
/// </summary>
public static class SignalPolarity
{
    public static int Of(Signal signal) => signal.Kind switch
    {
        SignalKind.Thumb => signal.ThumbUp == true ? 1 : -1,
        SignalKind.Rating => signal.Rating switch { >= 4 => 1, <= 2 => -1, _ => 0 },
        SignalKind.Flag or SignalKind.Correction or SignalKind.Rejection or SignalKind.Reformulation => -1,
        SignalKind.Regenerate or SignalKind.Abandon => -1,
        SignalKind.Copy => 1,
        _ => 0,
    };

    /// <summary>How severe a negative signal is on its own, before failure-mode rules add their weight.</summary>
    public static double Severity(Signal signal) => signal.Kind switch
    {
        SignalKind.Flag => 1.0,
        SignalKind.Correction => 0.8,
        SignalKind.Rating when signal.Rating == 1 => 0.7,
        SignalKind.Rating when signal.Rating == 2 => 0.5,
        SignalKind.Thumb when signal.ThumbUp == false => 0.6,
        SignalKind.Rejection => 0.5,
        SignalKind.Reformulation => 0.4,
        SignalKind.Regenerate => signal.IsDerived ? 0.5 : 0.2,
        SignalKind.Abandon => signal.IsDerived ? 0.4 : 0.2,
        _ => 0,
    };

    /// <summary>Does this signal make its interaction a case? (Negative feedback, a correction or a flag.)</summary>
    public static bool OpensCase(Signal signal) =>
        signal.Kind is SignalKind.Flag or SignalKind.Correction
        || (Of(signal) < 0 && signal.Kind is not (SignalKind.Regenerate or SignalKind.Abandon))
        || (signal.IsDerived && Of(signal) < 0);
}
