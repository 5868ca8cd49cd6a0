using System.Text;
using FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;

namespace FeedbackConsole.Bench;

/// <summary>
/// A synthetic support-assistant knowledge base: facts of 30–80 words over a 30,000-word vocabulary drawn with a
/// Zipf distribution (exponent 1), the support words at the top ranks, so that the commonest content words ("order",
/// "account", …) are in nearly every document, as in a real help centre; a third of the words are function words.
/// Deterministic for a seed.
/// </summary>
internal sealed class SupportCorpus
{
    private const int VocabularySize = 30_000;

    private static readonly string[] SupportWords =
    [
        "order", "account", "refund", "delivery", "payment", "card", "return", "parcel", "customer", "days",
        "shipping", "address", "email", "password", "subscription", "invoice", "store", "item", "product", "price",
        "courier", "tracking", "number", "app", "website", "support", "team", "contact", "phone", "charge",
        "discount", "voucher", "code", "gift", "balance", "bank", "transfer", "warranty", "repair", "replacement",
        "damaged", "missing", "late", "cancel", "change", "update", "login", "verify", "security", "fraud",
        "size", "colour", "stock", "collection", "pickup", "locker", "label", "box", "package", "exchange",
        "loyalty", "points", "member", "plan", "monthly", "annual", "renewal", "trial", "free", "premium",
        "battery", "screen", "charger", "cable", "device", "laptop", "tablet", "headphones", "camera", "watch",
        "invoice", "receipt", "tax", "vat", "business", "company", "international", "customs", "duties", "country",
        "express", "standard", "next", "weekend", "holiday", "opening", "hours", "branch", "manager", "complaint",
        "feedback", "review", "rating", "survey", "privacy", "data", "delete", "export", "consent", "cookies",
        "notification", "message", "chat", "agent", "callback", "queue", "wait", "priority", "escalate", "ticket",
        "instalment", "credit", "debit", "paypal", "klarna", "wallet", "apple", "google", "declined", "pending",
        "approved", "processed", "dispatched", "delivered", "returned", "refunded", "exchanged", "cancelled", "expired", "active",
    ];

    private static readonly string[] FunctionWords =
    [
        "the", "to", "a", "your", "is", "you", "we", "for", "and", "of", "in", "can", "will", "be", "with", "on", "if",
        "it", "this", "our", "are", "within", "after", "before", "by", "from", "please", "when", "all", "any",
    ];

    private readonly string[] _vocabulary;
    private readonly double[] _cumulative;

    public SupportCorpus(int seed)
    {
        var random = new Random(seed);
        var words = new List<string>(VocabularySize);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in SupportWords)
        {
            if (seen.Add(word))
            {
                words.Add(word);
            }
        }

        const string Consonants = "bcdfghjklmnprstvwz";
        const string Vowels = "aeiou";
        while (words.Count < VocabularySize)
        {
            var builder = new StringBuilder();
            for (var s = random.Next(2, 5); s > 0; s--)
            {
                builder.Append(Consonants[random.Next(Consonants.Length)]).Append(Vowels[random.Next(Vowels.Length)]);
            }

            if (random.Next(3) == 0)
            {
                builder.Append(Consonants[random.Next(Consonants.Length)]);
            }

            if (seen.Add(builder.ToString()))
            {
                words.Add(builder.ToString());
            }
        }

        _vocabulary = [.. words];
        _cumulative = new double[VocabularySize];
        var total = 0.0;
        for (var r = 0; r < VocabularySize; r++)
        {
            total += 1.0 / (r + 1);
            _cumulative[r] = total;
        }

        for (var r = 0; r < VocabularySize; r++)
        {
            _cumulative[r] /= total;
        }
    }

    /// <summary>The word of a Zipf rank (0 is the commonest).</summary>
    public string WordOfRank(int rank) => _vocabulary[rank];

    public string ZipfWord(Random random)
    {
        var at = Array.BinarySearch(_cumulative, random.NextDouble());
        return _vocabulary[Math.Min(at < 0 ? ~at : at, VocabularySize - 1)];
    }

    public string Sentence(Random random, int words)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            if (i > 0)
            {
                builder.Append(i % 12 == 0 ? ". " : " ");
            }

            builder.Append(random.Next(3) == 0 ? FunctionWords[random.Next(FunctionWords.Length)] : ZipfWord(random));
        }

        return builder.Append('.').ToString();
    }

    public RetrievalDocument Document(Random random, Guid entryId, int revision = 1) =>
        new(entryId, Guid.NewGuid(), revision,
            string.Join(' ', Enumerable.Range(0, random.Next(3, 9)).Select(_ => ZipfWord(random))),
            Sentence(random, random.Next(30, 81)));

    public List<RetrievalDocument> Documents(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Document(random, Guid.NewGuid())).ToList();
    }

    /// <summary>
    /// Queries of 2–8 words: 60% words of one document (as users ask about what the KB holds, stop words included),
    /// 25% Zipf-drawn words, 15% only the 30 commonest content words (the worst case for an OR query).
    /// </summary>
    public List<(string Query, string Kind)> Queries(IReadOnlyList<RetrievalDocument> docs, int count, int seed)
    {
        var random = new Random(seed);
        var queries = new List<(string, string)>(count);
        for (var i = 0; i < count; i++)
        {
            var length = random.Next(2, 9);
            var roll = random.NextDouble();
            if (roll < 0.60)
            {
                queries.Add((WordsOf(docs[random.Next(docs.Count)].Content, random, length), "document words"));
            }
            else if (roll < 0.85)
            {
                queries.Add((string.Join(' ', Enumerable.Range(0, length).Select(_ => ZipfWord(random))), "zipf words"));
            }
            else
            {
                queries.Add((string.Join(' ', Enumerable.Range(0, length).Select(_ => WordOfRank(random.Next(30)))), "common words only"));
            }
        }

        return queries;
    }

    /// <summary><paramref name="count"/> consecutive words of <paramref name="text"/> from a random place.</summary>
    public static string WordsOf(string text, Random random, int count)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var start = random.Next(Math.Max(1, words.Length - count));
        return string.Join(' ', words.Skip(start).Take(count)).Replace(".", "", StringComparison.Ordinal);
    }
}
