using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Taxonomy;

/// <summary>
/// The taxonomy a new console starts with (DESIGN.md, "Failure mode"): eight families, twelve modes, and
/// rules that map raw signals to them. Seeded once, when the taxonomy is empty; admins edit it afterwards.
/// </summary>
public sealed class DefaultTaxonomy(IDbContextFactory<FeedbackDbContext> contexts)
{
    private sealed record Mode(string Key, string Name, string Description, Rule[] Rules);

    private sealed record Rule(string Name, SignalKind? Kind = null, string? Dimension = null, FlagCategory? Flag = null,
        int? MaxRating = null, bool? ThumbUp = null, string? TextPattern = null, double Weight = 0.5);

    private static readonly (string Key, string Name, string Description, Mode[] Children)[] Families =
    [
        ("factual", "Factual", "The answer states something untrue.",
        [
            new("factual.error", "Factual error", "A fact in the answer is wrong.",
            [
                new("Low accuracy rating", SignalKind.Rating, "accuracy", MaxRating: 2, Weight: 0.8),
                new("Correction by the end user", SignalKind.Correction, Weight: 0.6),
                new("Comment says it is wrong", SignalKind.Comment, TextPattern: @"\b(wrong|incorrect|not true|false|inaccurate|mistake|error)\b", Weight: 0.7),
            ]),
            new("factual.outdated", "Outdated", "The answer was true once but is no longer.",
            [
                new("Comment says it is outdated", SignalKind.Comment, TextPattern: @"\b(outdated|out of date|old (info|information|price|policy)|no longer|not anymore|changed|deprecated)\b", Weight: 0.8),
                new("Correction mentions a change", SignalKind.Correction, TextPattern: @"\b(now|new|updated|since|as of)\b", Weight: 0.5),
            ]),
        ]),
        ("retrieval", "Retrieval", "The right knowledge was not found or not used.",
        [
            new("retrieval.miss", "Retrieval miss", "The answer lacks information the knowledge base has.",
            [
                new("Question asked again differently", SignalKind.Reformulation, Weight: 0.6),
                new("Comment says it did not find it", SignalKind.Comment, TextPattern: @"\b(couldn'?t find|didn'?t find|no answer|not helpful|doesn'?t (know|say)|missing)\b", Weight: 0.6),
            ]),
        ]),
        ("tone", "Tone", "How the answer speaks, not what it says.",
        [
            new("tone.inappropriate", "Inappropriate tone", "Rude, condescending, too casual or cold.",
            [
                new("Low tone rating", SignalKind.Rating, "tone", MaxRating: 2, Weight: 0.8),
                new("Comment about tone", SignalKind.Comment, TextPattern: @"\b(rude|condescending|patroni[sz]ing|tone|impolite|snarky|sarcastic|cold|unfriendly)\b", Weight: 0.8),
            ]),
        ]),
        ("verbosity", "Verbosity", "The answer's length does not fit the question.",
        [
            new("verbosity.too_long", "Too long", "More text than the question needed.",
            [
                new("Comment says it is too long", SignalKind.Comment, TextPattern: @"\b(too long|verbose|wordy|rambl\w*|tl;?dr|get to the point|shorter)\b", Weight: 0.8),
            ]),
            new("verbosity.too_short", "Too short", "Not enough detail to act on.",
            [
                new("Comment says it is too short", SignalKind.Comment, TextPattern: @"\b(too short|more detail|not enough detail|too brief|elaborate)\b", Weight: 0.7),
            ]),
        ]),
        ("relevance", "Relevance", "The answer does not address what was asked.",
        [
            new("relevance.off_topic", "Off topic", "Answers a different question.",
            [
                new("Low relevance rating", SignalKind.Rating, "relevance", MaxRating: 2, Weight: 0.8),
                new("Comment says it is off topic", SignalKind.Comment, TextPattern: @"\b(off.?topic|irrelevant|not what i asked|not related|unrelated)\b", Weight: 0.7),
                new("Answer regenerated repeatedly", SignalKind.Regenerate, Weight: 0.3),
            ]),
            new("relevance.unhelpful", "Unhelpful", "On topic but not useful.",
            [
                new("Low helpfulness rating", SignalKind.Rating, "helpfulness", MaxRating: 2, Weight: 0.6),
                new("Suggestion rejected", SignalKind.Rejection, Weight: 0.5),
                new("Thumbs down", SignalKind.Thumb, ThumbUp: false, Weight: 0.3),
                new("Left quickly without using the answer", SignalKind.Abandon, Weight: 0.3),
            ]),
        ]),
        ("instructions", "Instructions", "The answer did not do what it was told.",
        [
            new("instructions.ignored", "Instructions ignored", "Ignored an explicit request (format, language, length, constraint).",
            [
                new("Comment says it ignored the request", SignalKind.Comment, TextPattern: @"\b(ignored|didn'?t follow|i asked for|i said|not in (english|french|german|spanish)|wrong format|as a (list|table))\b", Weight: 0.8),
            ]),
        ]),
        ("safety", "Safety", "Potential harm to the user or others.",
        [
            new("safety.harmful", "Harmful content", "Dangerous, abusive or otherwise harmful output.",
            [
                new("Safety flag", SignalKind.Flag, Flag: FlagCategory.Safety, Weight: 1.0),
            ]),
        ]),
        ("compliance", "Compliance", "Breaks a rule the business must follow.",
        [
            new("compliance.regulatory", "Regulatory", "Advice or wording a regulation forbids, or a missing disclaimer.",
            [
                new("Compliance flag", SignalKind.Flag, Flag: FlagCategory.Compliance, Weight: 1.0),
            ]),
            new("compliance.privacy", "Privacy", "Reveals or asks for personal data it should not.",
            [
                new("Comment about personal data", SignalKind.Comment, TextPattern: @"\b(privacy|personal (data|information)|my (address|email|phone)|gdpr|leak\w*)\b", Weight: 0.9),
            ]),
        ]),
    ];

    /// <summary>Seeds the default taxonomy if there is none yet. Returns the number of modes created.</summary>
    public async Task<int> SeedIfEmptyAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.FailureModes.AnyAsync(cancellationToken))
        {
            return 0;
        }

        var created = 0;
        var order = 0;
        foreach (var (key, name, description, children) in Families)
        {
            var family = new FailureMode { Key = key, Name = name, Description = description, SortOrder = order++ };
            db.FailureModes.Add(family);
            created++;
            foreach (var child in children)
            {
                db.FailureModes.Add(new FailureMode
                {
                    Key = child.Key,
                    Name = child.Name,
                    Description = child.Description,
                    Parent = family,
                    SortOrder = order++,
                    Rules = [.. child.Rules.Select(r => new FailureModeRule
                    {
                        Name = r.Name,
                        Kind = r.Kind,
                        Dimension = r.Dimension,
                        Flag = r.Flag,
                        MaxRating = r.MaxRating,
                        ThumbUp = r.ThumbUp,
                        TextPattern = r.TextPattern,
                        Weight = r.Weight,
                    })],
                });
                created++;
            }
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            if (await AlreadySeededAsync(cancellationToken))
            {
                // Another instance seeded it at the same moment (unique keys); theirs stands.
                return 0;
            }

            throw;
        }

        return created;
    }

    private async Task<bool> AlreadySeededAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.FailureModes.AnyAsync(cancellationToken);
    }
}
