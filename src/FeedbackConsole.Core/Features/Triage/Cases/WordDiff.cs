using System.Text.RegularExpressions;
using DiffPlex;

namespace FeedbackConsole.Core.Features.Triage.Cases;

public enum DiffKind
{
    Same,
    Deleted,
    Inserted,
}

/// <summary>A run of text that the correction kept, deleted from the output, or inserted.</summary>
public sealed record DiffSpan(DiffKind Kind, string Text);

/// <summary>
/// A word-level diff of the end user's correction against the model's output. Words, runs of whitespace and
/// single punctuation marks are the units (so "14 days." → "30 days." changes one word, not the sentence);
/// DiffPlex's Myers differ aligns them in O(N·D), which stays fast on long answers where a plain LCS table
/// (N × M) would not. Adjacent units of one kind are merged; whitespace between two changes joins them, so a
/// reworded phrase reads as one deletion followed by one insertion.
/// </summary>
public static partial class WordDiff
{
    public static IReadOnlyList<DiffSpan> Compute(string output, string correction)
    {
        var result = Differ.Instance.CreateCustomDiffs(output, correction, ignoreWhiteSpace: false, Tokenize);
        var spans = new List<DiffSpan>();
        var oldAt = 0;
        foreach (var block in result.DiffBlocks)
        {
            AddRange(spans, DiffKind.Same, result.PiecesOld, oldAt, block.DeleteStartA - oldAt);
            AddRange(spans, DiffKind.Deleted, result.PiecesOld, block.DeleteStartA, block.DeleteCountA);
            AddRange(spans, DiffKind.Inserted, result.PiecesNew, block.InsertStartB, block.InsertCountB);
            oldAt = block.DeleteStartA + block.DeleteCountA;
        }

        AddRange(spans, DiffKind.Same, result.PiecesOld, oldAt, result.PiecesOld.Count - oldAt);
        return JoinAcrossWhitespace(spans);
    }

    /// <summary>Words (letters, digits, apostrophes inside), whitespace runs, and any other single character.</summary>
    [GeneratedRegex(@"[\p{L}\p{N}_]+(?:['’][\p{L}\p{N}_]+)*|\s+|.", RegexOptions.Singleline)]
    private static partial Regex Token();

    private static string[] Tokenize(string text) => [.. Token().Matches(text).Select(m => m.Value)];

    private static void AddRange(List<DiffSpan> spans, DiffKind kind, IReadOnlyList<string> pieces, int start, int count)
    {
        for (var i = start; i < start + count; i++)
        {
            Add(spans, kind, pieces[i]);
        }
    }

    private static void Add(List<DiffSpan> spans, DiffKind kind, string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        if (spans.Count > 0 && spans[^1].Kind == kind)
        {
            spans[^1] = spans[^1] with { Text = spans[^1].Text + text };
        }
        else
        {
            spans.Add(new DiffSpan(kind, text));
        }
    }

    /// <summary>
    /// "[-old-] [+new+] [-words-][+here+]" reads badly: a lone whitespace run between changes is folded into
    /// both sides, and the deletions and insertions around it are gathered into one of each.
    /// </summary>
    private static List<DiffSpan> JoinAcrossWhitespace(List<DiffSpan> spans)
    {
        var result = new List<DiffSpan>();
        var i = 0;
        while (i < spans.Count)
        {
            if (spans[i].Kind == DiffKind.Same)
            {
                result.Add(spans[i]);
                i++;
                continue;
            }

            // A run of changes, possibly interrupted by whitespace-only "same" spans that are followed by more changes.
            var deleted = new System.Text.StringBuilder();
            var inserted = new System.Text.StringBuilder();
            var j = i;
            while (j < spans.Count)
            {
                var span = spans[j];
                if (span.Kind == DiffKind.Deleted)
                {
                    deleted.Append(span.Text);
                }
                else if (span.Kind == DiffKind.Inserted)
                {
                    inserted.Append(span.Text);
                }
                else if (string.IsNullOrWhiteSpace(span.Text) && j + 1 < spans.Count && spans[j + 1].Kind != DiffKind.Same)
                {
                    deleted.Append(span.Text);
                    inserted.Append(span.Text);
                }
                else
                {
                    break;
                }

                j++;
            }

            if (deleted.Length > 0)
            {
                result.Add(new DiffSpan(DiffKind.Deleted, deleted.ToString()));
            }

            if (inserted.Length > 0)
            {
                result.Add(new DiffSpan(DiffKind.Inserted, inserted.ToString()));
            }

            i = j;
        }

        return result;
    }
}
