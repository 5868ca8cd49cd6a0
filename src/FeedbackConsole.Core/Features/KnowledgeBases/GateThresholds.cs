namespace FeedbackConsole.Core.Features.KnowledgeBases;

/// <summary>A knowledge base's gate settings: recall@k's k, minimum metrics on the candidate (null: not checked), allowed regressions.</summary>
public sealed record GateThresholds(int GateK = 5, double? MinRecallAtK = null, double? MinMrr = null, double? MinPassRate = null, int MaxRegressions = 0)
{
    /// <summary>Null when every value is in range, else the first one that is not, in words.</summary>
    public string? Validate()
    {
        if (GateK is < 1 or > KnowledgeBaseRules.MaxGateK)
        {
            return $"k (how many results the gate looks at) must be between 1 and {KnowledgeBaseRules.MaxGateK}.";
        }

        if (OutOfUnit(MinRecallAtK))
        {
            return "Minimum recall@k must be between 0 and 1 (e.g. 0.8), or left empty.";
        }

        if (OutOfUnit(MinMrr))
        {
            return "Minimum MRR must be between 0 and 1, or left empty.";
        }

        if (OutOfUnit(MinPassRate))
        {
            return "Minimum pass rate must be between 0 and 1, or left empty.";
        }

        return MaxRegressions < 0 ? "Allowed regressions cannot be negative." : null;
    }

    private static bool OutOfUnit(double? value) => value is { } v && (double.IsNaN(v) || v < 0 || v > 1);
}
