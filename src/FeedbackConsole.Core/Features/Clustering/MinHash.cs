using System.Text;
using System.Text.RegularExpressions;

namespace FeedbackConsole.Core.Features.Clustering;

/// <summary>
/// MinHash signatures over word shingles, and their locality-sensitive bands (see the README, "How clusters are
/// formed"). Everything here is deterministic across processes and machines: FNV-1a 64 for shingles and bands,
/// a SplitMix64 mix for the signature's hash family — never <see cref="string.GetHashCode()"/>, which .NET
/// randomizes per process.
/// </summary>
public static partial class MinHash
{
    /// <summary>Bands per signature.</summary>
    public const int Bands = 16;

    /// <summary>Rows (minimum hashes) per band.</summary>
    public const int Rows = 4;

    /// <summary>Length of a signature: <see cref="Bands"/> × <see cref="Rows"/>.</summary>
    public const int Length = Bands * Rows;

    /// <summary>
    /// Two cases are near-duplicates from this Jaccard similarity of their shingle sets. With 16 bands of 4 rows
    /// the banding's own threshold, (1/16)^(1/4), is 0.5 too: pairs at 0.5 become candidates 64% of the time,
    /// at 0.7 99%, at 0.3 12%, at 0.2 2.5%.
    /// </summary>
    public const double Threshold = 0.5;

    /// <summary>Words per shingle. Pairs of words: texts here are short (a question, a correction), and single words
    /// would make any two texts about refunds look alike.</summary>
    public const int ShingleSize = 2;

    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    // One seed per row of the signature, fixed forever: changing them changes every band hash stored.
    private static readonly ulong[] Seeds = MakeSeeds();

    /// <summary>
    /// Lower-cased words and numbers, punctuation dropped (apostrophes too: "what's" → "whats"); the redaction
    /// placeholders (<c>[email]</c>, <c>[phone]</c> …) stay tokens of their own, so "[email]" never equals "email".
    /// </summary>
    public static List<string> Tokens(string? text)
    {
        var tokens = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return tokens;
        }

        foreach (Match match in TokenPattern().Matches(text.ToLowerInvariant()))
        {
            var token = match.Value.StartsWith('[') ? match.Value : match.Value.Replace("'", "", StringComparison.Ordinal).Replace("’", "", StringComparison.Ordinal);
            if (token.Length > 0)
            {
                tokens.Add(token);
            }
        }

        return tokens;
    }

    /// <summary>
    /// The shingle hashes of a case's texts: word pairs within each text (never across two texts), or the single
    /// word of a one-word text.
    /// </summary>
    public static HashSet<ulong> Shingles(IEnumerable<string?> texts)
    {
        var set = new HashSet<ulong>();
        foreach (var text in texts)
        {
            var tokens = Tokens(text);
            if (tokens.Count == 0)
            {
                continue;
            }

            if (tokens.Count < ShingleSize)
            {
                set.Add(Fnv(tokens[0]));
                continue;
            }

            for (var i = 0; i + ShingleSize <= tokens.Count; i++)
            {
                set.Add(Fnv(string.Join(' ', tokens.GetRange(i, ShingleSize))));
            }
        }

        return set;
    }

    /// <summary>The MinHash signature of a shingle set; null when there is no text.</summary>
    public static ulong[]? Signature(IReadOnlySet<ulong> shingles)
    {
        if (shingles.Count == 0)
        {
            return null;
        }

        var signature = new ulong[Length];
        Array.Fill(signature, ulong.MaxValue);
        foreach (var shingle in shingles)
        {
            for (var i = 0; i < Length; i++)
            {
                var h = Mix(shingle ^ Seeds[i]);
                if (h < signature[i])
                {
                    signature[i] = h;
                }
            }
        }

        return signature;
    }

    /// <summary>One hash per band: band number and its <see cref="Rows"/> minimum hashes.</summary>
    public static long[] BandHashes(ulong[] signature)
    {
        var bands = new long[Bands];
        for (var b = 0; b < Bands; b++)
        {
            var h = FnvOffset;
            h = FnvStep(h, (ulong)b);
            for (var r = 0; r < Rows; r++)
            {
                h = FnvStep(h, signature[(b * Rows) + r]);
            }

            bands[b] = unchecked((long)h);
        }

        return bands;
    }

    /// <summary>Jaccard similarity of two shingle sets (what MinHash estimates).</summary>
    public static double Jaccard(IReadOnlySet<ulong> a, IReadOnlySet<ulong> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }

        var (small, large) = a.Count <= b.Count ? (a, b) : (b, a);
        var shared = small.Count(large.Contains);
        return (double)shared / (a.Count + b.Count - shared);
    }

    /// <summary>The share of equal positions of two signatures: MinHash's estimate of their Jaccard similarity.</summary>
    public static double EstimatedJaccard(ulong[] a, ulong[] b)
    {
        var same = 0;
        for (var i = 0; i < Length; i++)
        {
            if (a[i] == b[i])
            {
                same++;
            }
        }

        return (double)same / Length;
    }

    /// <summary>FNV-1a 64 of the UTF-8 bytes.</summary>
    public static ulong Fnv(string text)
    {
        var h = FnvOffset;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            h = unchecked((h ^ b) * FnvPrime);
        }

        return h;
    }

    private static ulong FnvStep(ulong h, ulong value)
    {
        for (var i = 0; i < 8; i++)
        {
            h = unchecked((h ^ ((value >> (8 * i)) & 0xFF)) * FnvPrime);
        }

        return h;
    }

    // SplitMix64's finalizer: a bijection with good avalanche, so x ↦ Mix(x ^ seed) acts as one random permutation per seed.
    private static ulong Mix(ulong x)
    {
        unchecked
        {
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            return x ^ (x >> 31);
        }
    }

    private static ulong[] MakeSeeds()
    {
        var seeds = new ulong[Length];
        var state = 0x46656564_6261636BUL; // "Feedback"
        for (var i = 0; i < Length; i++)
        {
            state = unchecked(state + 0x9E3779B97F4A7C15UL);
            seeds[i] = Mix(state);
        }

        return seeds;
    }

    [GeneratedRegex(@"\[(?:email|phone|card|iban|ip|redacted)\]|[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();
}
