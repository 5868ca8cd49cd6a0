using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;

/// <summary>
/// The one analyzer of knowledge retrieval, for documents and queries alike.
/// Deterministic, culture-independent and allocation-free per token:
/// <list type="number">
/// <item>Tokens are runs of Unicode letters and digits; anything else separates them. An apostrophe inside a word
/// is dropped ("customer's" → "customers"). Tokens longer than <see cref="MaxTokenLength"/> are skipped (hashes,
/// base64 blobs).</item>
/// <item>Each character is folded: canonical decomposition with its combining marks removed ("é" → "e"), then
/// lower-cased with the invariant culture; "ß", "æ", "œ", "ø", "ł", "đ" fold to "ss", "ae", "oe", "o", "l", "d".</item>
/// <item>English stop words (<see cref="StopWords"/>, checked after folding) are dropped.</item>
/// <item>Words of only ASCII letters, three or more long, are stemmed by the steps of Porter's algorithm that undo
/// inflection — 1a (plurals), 1b (-ed, -ing, -eed), 1c (y → i), 5a and 5b (final e, double l) — and not the
/// derivational steps 2–4: "refunds", "refunded", "refunding" → "refund"; "policies", "policy" → "polici";
/// "charges", "charged" → "charg". Digits and other scripts are kept as they are.</item>
/// </list>
/// </summary>
public static class TextAnalyzer
{
    /// <summary>Longest token kept, in characters after folding.</summary>
    public const int MaxTokenLength = 64;

    /// <summary>
    /// Stop words: Lucene's English set plus the pronouns, auxiliaries and question words of support questions
    /// ("how do I …", "can you …"), which occur in most queries and carry no topic.
    /// </summary>
    public static readonly FrozenSet<string> StopWords = FrozenSet.ToFrozenSet(
    [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of",
        "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
        "i", "me", "my", "you", "your", "we", "our", "us", "he", "she", "his", "her", "its", "them",
        "do", "does", "did", "can", "could", "would", "should", "have", "has", "had", "am", "been", "were", "so",
        "how", "what", "which", "who", "whom", "why", "from", "about",
    ], StringComparer.Ordinal);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> StopLookup = StopWords.GetAlternateLookup<ReadOnlySpan<char>>();

    // Folded form of every UTF-16 code unit: a lower-case letter or digit, Separator, or Skip (a combining mark,
    // which belongs to the token but adds nothing). Built once: ~65k tiny normalizations, a few milliseconds.
    private const char Separator = '\0';
    private const char Skip = '\uFFFF';
    private const char Expand = '\uFFFE';
    private static readonly char[] FoldTable = BuildFoldTable();

    /// <summary>The terms of <paramref name="text"/>, in order, repeats kept.</summary>
    public static List<string> Analyze(string? text)
    {
        var terms = new List<string>();
        var stream = new TermStream(text, stackalloc char[MaxTokenLength + 2]);
        while (stream.MoveNext())
        {
            terms.Add(stream.Current.ToString());
        }

        return terms;
    }

    /// <summary>
    /// <paramref name="text"/> folded as tokens are (diacritics removed, lower-case) with every run of non-letters
    /// and non-digits made one space, trimmed: what phrase and "contains" comparisons use.
    /// </summary>
    public static string Fold(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            var folded = FoldTable[c];
            if (folded == Separator)
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (folded == Skip)
            {
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            if (folded == Expand)
            {
                builder.Append(Expansion(c));
            }
            else
            {
                builder.Append(folded);
            }
        }

        return builder.ToString();
    }

    /// <summary>Streams the terms of a text through a caller-provided buffer, without allocating.</summary>
    internal ref struct TermStream
    {
        private readonly ReadOnlySpan<char> _text;
        private readonly Span<char> _buffer;
        private int _position;
        private int _length;

        /// <param name="text">The text to analyze.</param>
        /// <param name="buffer">At least <see cref="MaxTokenLength"/> + 2 characters.</param>
        public TermStream(ReadOnlySpan<char> text, Span<char> buffer)
        {
            _text = text;
            _buffer = buffer;
        }

        public readonly ReadOnlySpan<char> Current => _buffer[.._length];

        public bool MoveNext()
        {
            while (NextToken())
            {
                if (StopLookup.Contains(_buffer[.._length]))
                {
                    continue;
                }

                _length = PorterStemmer.Stem(_buffer, _length);
                return true;
            }

            return false;
        }

        // The next folded token into _buffer[.._length]; false at the end of the text.
        private bool NextToken()
        {
            var text = _text;
            var i = _position;
            while (i < text.Length)
            {
                // Skip separators.
                while (i < text.Length && FoldTable[text[i]] is Separator or Skip)
                {
                    i++;
                }

                var length = 0;
                var tooLong = false;
                while (i < text.Length)
                {
                    var c = text[i];
                    var folded = FoldTable[c];
                    if (folded == Separator)
                    {
                        // An apostrophe between letters joins them ("customer's"); elsewhere it separates.
                        if ((c == '\'' || c == '\u2019') && length > 0 && i + 1 < text.Length && FoldTable[text[i + 1]] is not (Separator or Skip))
                        {
                            i++;
                            continue;
                        }

                        break;
                    }

                    i++;
                    if (folded == Skip || tooLong)
                    {
                        continue;
                    }

                    var expansion = folded == Expand ? Expansion(c) : null;
                    var needed = expansion?.Length ?? 1;
                    if (length + needed > MaxTokenLength)
                    {
                        tooLong = true;
                        continue;
                    }

                    if (expansion is null)
                    {
                        _buffer[length++] = folded;
                    }
                    else
                    {
                        expansion.CopyTo(_buffer[length..]);
                        length += expansion.Length;
                    }
                }

                if (length > 0 && !tooLong)
                {
                    _position = i;
                    _length = length;
                    return true;
                }
            }

            _position = text.Length;
            _length = 0;
            return false;
        }
    }

    private static string Expansion(char c) => c switch
    {
        'ß' => "ss",
        'æ' or 'Æ' => "ae",
        'œ' or 'Œ' => "oe",
        _ => "",
    };

    private static char[] BuildFoldTable()
    {
        var table = new char[char.MaxValue + 1];
        for (var code = 0; code <= char.MaxValue; code++)
        {
            var c = (char)code;
            if (code < 128)
            {
                table[code] = char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : Separator;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                table[code] = Separator;
                continue;
            }

            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                table[code] = Skip;
                continue;
            }

            if (!char.IsLetterOrDigit(c))
            {
                table[code] = Separator;
                continue;
            }

            table[code] = c switch
            {
                'ß' or 'æ' or 'Æ' or 'œ' or 'Œ' => Expand,
                'ø' or 'Ø' => 'o',
                'ł' or 'Ł' => 'l',
                'đ' or 'Đ' or 'ð' or 'Ð' => 'd',
                _ => BaseLetter(c),
            };
        }

        return table;
    }

    private static char BaseLetter(char c)
    {
        var single = c.ToString();
        var decomposed = single.IsNormalized(NormalizationForm.FormD) ? single : single.Normalize(NormalizationForm.FormD);
        foreach (var d in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(d) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark))
            {
                var lower = char.ToLowerInvariant(d);
                // A decomposition can start with a compatibility character of its own; keep only letters and digits.
                return char.IsLetterOrDigit(lower) && lower is not (Separator or Skip or Expand) ? lower : char.ToLowerInvariant(c);
            }
        }

        return char.ToLowerInvariant(c);
    }
}
