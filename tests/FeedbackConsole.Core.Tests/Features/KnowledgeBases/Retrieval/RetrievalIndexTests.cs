using FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;

namespace FeedbackConsole.Core.Tests.Features.KnowledgeBases.Retrieval;

public sealed class RetrievalIndexTests
{
    private static readonly Guid A = G(1), Bb = G(2), C = G(3), D = G(4);

    internal static Guid G(int n) => new($"00000000-0000-0000-0000-{n:D12}");

    internal static RetrievalDocument Doc(Guid id, string title, string content) => new(id, Guid.NewGuid(), 1, title, content);

    [Fact]
    public void Search_SmallCorpus_RanksAndScoresByBm25ComputedByHand()
    {
        // Lengths after analysis: A 2 terms, Bb 3, C 4; average 3. "apple" is in A (tf 1) and Bb (tf 2), "banana" in A only.
        var index = RetrievalIndex.Build(
        [
            Doc(A, "", "apple banana"),
            Doc(Bb, "", "apple apple cherry"),
            Doc(C, "", "cherry durian melon kiwi"),
        ]);

        var hits = index.Search("banana apple", 10);

        Assert.Equal([A, Bb], hits.Select(h => h.EntryId));
        // idf = ln(1 + (N − df + 0.5) / (df + 0.5)); w = tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)).
        var idfApple = Math.Log(1 + ((3 - 2 + 0.5) / (2 + 0.5)));
        var idfBanana = Math.Log(1 + ((3 - 1 + 0.5) / (1 + 0.5)));
        var wA = 1 * 2.2 / (1 + (1.2 * (0.25 + (0.75 * 2 / 3))));
        var wB = 2 * 2.2 / (2 + (1.2 * (0.25 + (0.75 * 3 / 3))));
        var maxScore = 2.2 * (idfApple + idfBanana);
        Assert.Equal(((idfApple * wA) + (idfBanana * wA)) / maxScore, hits[0].Score, 5);
        Assert.Equal(idfApple * wB / maxScore, hits[1].Score, 5);
        Assert.Equal(0.2025, hits[1].Score, 4); // the same, as a number: 0.4700 · 1.375 / (2.2 · (0.4700 + 0.9808))
    }

    [Fact]
    public void Search_WordInTitle_OutranksTheSameWordInContent()
    {
        var index = RetrievalIndex.Build([Doc(A, "screens", "warranty covers"), Doc(Bb, "warranty", "covers screens")]);

        Assert.Equal([Bb, A], index.Search("warranty", 5).Select(h => h.EntryId));
    }

    [Fact]
    public void Search_RevisionFields_ComeBackWithTheHit()
    {
        var revision = Guid.NewGuid();
        var index = RetrievalIndex.Build([new RetrievalDocument(A, revision, 7, "Refund window", "Thirty days.")]);

        var hit = Assert.Single(index.Search("refunds", 5));

        Assert.Equal((A, revision, 7), (hit.EntryId, hit.RevisionId, hit.RevisionNumber));
        Assert.InRange(hit.Score, 0.0, 1.0);
    }

    [Fact]
    public void Search_EmptyStopWordsOnlyOrUnknownQuery_ReturnsNothing()
    {
        var index = RetrievalIndex.Build([Doc(A, "Refund window", "Refunds within thirty days.")]);

        Assert.Empty(index.Search("", 5));
        Assert.Empty(index.Search("   ", 5));
        Assert.Empty(index.Search(null, 5));
        Assert.Empty(index.Search("how do I", 5));
        Assert.Empty(index.Search("zeppelin", 5));
        Assert.Empty(index.Search("refund", 0));
        Assert.Empty(RetrievalIndex.Empty.Search("refund", 5));
    }

    [Fact]
    public void Search_UnknownWordInQuery_LowersTheScoreButNotTheOrder()
    {
        var index = RetrievalIndex.Build([Doc(A, "Refund window", "Refunds within thirty days."), Doc(Bb, "Shipping", "Refunds for lost parcels.")]);

        var plain = index.Search("refund window", 5);
        var withTypo = index.Search("refund window zeppelin", 5);

        Assert.Equal(plain.Select(h => h.EntryId), withTypo.Select(h => h.EntryId));
        Assert.True(withTypo[0].Score < plain[0].Score);
    }

    [Fact]
    public void Search_QueryWordOrderAndRepeats_DoNotChangeTheResult()
    {
        var index = RetrievalIndex.Build(Corpus(500, seed: 3));

        var a = index.Search("parcel refund courier", 10);

        Assert.NotEmpty(a);
        Assert.Equal(a, index.Search("courier parcel refund", 10));
        Assert.Equal(a, index.Search("refund refund parcel courier courier", 10));
    }

    [Fact]
    public void Search_KAboveTheMaximum_IsCapped()
    {
        var index = RetrievalIndex.Build(Enumerable.Range(1, 150).Select(i => Doc(G(i), "Refund", $"refund case {i}")).ToList());

        Assert.Equal(RetrievalIndex.MaxK, index.Search("refund", 1000).Count);
    }

    [Fact]
    public void Search_EqualScores_AreOrderedByEntryId_WhateverTheInputOrder()
    {
        var docs = new[] { Doc(D, "Refund", "same text"), Doc(Bb, "Refund", "same text"), Doc(C, "Refund", "same text"), Doc(A, "Refund", "same text") };

        var forward = RetrievalIndex.Build(docs).Search("refund", 3);
        var backward = RetrievalIndex.Build(docs.Reverse().ToArray()).Search("refund", 3);

        Assert.Equal([A, Bb, C], forward.Select(h => h.EntryId));
        Assert.Equal(forward, backward);
    }

    [Fact]
    public void Search_TaskType_ReturnsOnlyExamplesOfThatTaskType()
    {
        var index = RetrievalIndex.Build(
        [
            new RetrievalDocument(A, G(11), 1, "Billing example", "Answer about the invoice", "billing", "Why is my invoice higher this month?"),
            new RetrievalDocument(Bb, G(12), 1, "Shipping example", "Answer about the parcel", "shipping", "My invoice and parcel are missing"),
            new RetrievalDocument(C, G(13), 1, "General example", "Any answer", null, "invoice question"),
        ]);

        Assert.Equal([A], index.Search("invoice", 5, "Billing").Select(h => h.EntryId));
        Assert.Equal([Bb], index.Search("invoice", 5, " shipping ").Select(h => h.EntryId));
        Assert.Equal(3, index.Search("invoice", 5).Count);
        Assert.Empty(index.Search("invoice", 5, "returns"));
    }

    [Fact]
    public void Search_Example_IsFoundByItsInputOnly()
    {
        var index = RetrievalIndex.Build([new RetrievalDocument(A, G(11), 1, "Zebra title", "Zebra output", "billing", "Reset my password")]);

        Assert.Single(index.Search("password", 5));
        Assert.Empty(index.Search("zebra", 5));
    }

    [Fact]
    public void Build_DuplicateEntry_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => RetrievalIndex.Build([Doc(A, "x", "y"), Doc(A, "z", "w")]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("t1")]
    public void Search_LargeCorpusWithCommonWords_EqualsExhaustiveBm25(string? taskType)
    {
        // Common words are in most of the 4,000 documents, so MaxScore's pruning (skipped lists, primed threshold,
        // the one-list fast path) runs on most queries; the result must be the exhaustive ranking computed plainly.
        var docs = Corpus(4000, seed: 7);
        var index = RetrievalIndex.Build(docs);
        var brute = new BruteForceBm25(docs);

        var compared = AssertEqualsExhaustive(index, brute, Queries(300, seed: 11), taskType);

        Assert.True(compared > 3000, $"only {compared} hits compared");
    }

    // Each query's top k, for k = 1, 5, 20 and 100, against the exhaustive ranking; the hits compared.
    private static int AssertEqualsExhaustive(RetrievalIndex index, BruteForceBm25 brute, IEnumerable<string> queries, string? taskType)
    {
        var compared = 0;
        foreach (var query in queries)
        {
            var scores = brute.Scores(query);
            foreach (var k in new[] { 1, 5, 20, 100 })
            {
                var hits = index.Search(query, k, taskType);
                var expected = scores.Where(x => x.Value > 0 && (taskType is null || brute.TaskTypeOf(x.Key) == taskType))
                    .OrderByDescending(x => x.Value).ThenBy(x => x.Key).Take(k).ToList();
                Assert.Equal(expected.Count, hits.Count);
                for (var i = 0; i < hits.Count; i++)
                {
                    // Floats in the index, doubles here: equal to 1e-5, so near-ties may swap but never skip a document.
                    Assert.Equal(expected[i].Value, hits[i].Score, 1e-5);
                    Assert.Equal(scores[hits[i].EntryId], hits[i].Score, 1e-5);
                }

                compared += hits.Count;
            }
        }

        return compared;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("t1")]
    public void Search_WideVocabularyAndLongCommonWordQueries_EqualsExhaustiveBm25(string? taskType)
    {
        // 600 words with a Zipf skew over 4,000 documents: more than 64 common terms (several mask words), common terms
        // beyond the 256 that get masks (searched in their lists), and queries of up to 24 common words (more than the
        // bound table covers), with repeats and unknown words.
        var docs = WideCorpus(4000, seed: 17);
        var index = RetrievalIndex.Build(docs);
        var brute = new BruteForceBm25(docs);
        var random = new Random(19);
        var queries = new List<string>();
        for (var i = 0; i < 160; i++)
        {
            var words = random.Next(1, 25);
            queries.Add(string.Join(' ', Enumerable.Range(0, words).Select(_ => (i % 4) switch
            {
                0 => $"w{random.Next(30)}", // common words only
                1 => $"w{(int)(600 * Math.Pow(random.NextDouble(), 2))}", // mostly common, some rare
                2 => random.Next(6) == 0 ? "zeppelin" : $"w{random.Next(600)}", // anything, and an unknown word
                _ => $"w{random.Next(200, 400)}", // around the 256th commonest term
            })));
        }

        var compared = AssertEqualsExhaustive(index, brute, queries, taskType);

        Assert.True(compared > 8000, $"only {compared} hits compared");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("t1")]
    public void Search_ManyEqualScores_BreaksTiesByEntryIdAsExhaustiveBm25Does(string? taskType)
    {
        // Documents repeat a few texts, so scores tie in long runs and k cuts through them: the top k must be the
        // lowest entry ids of the tied score, whichever list a document is first met in.
        var texts = new[] { "order refund", "order parcel refund", "parcel courier", "order", "refund refund courier", "invoice order parcel" };
        var docs = Enumerable.Range(1, 3000)
            .Select(i => new RetrievalDocument(Guid.NewGuid(), Guid.NewGuid(), 1, "", texts[i % texts.Length], $"t{i % 3}")).ToList();
        var index = RetrievalIndex.Build(docs);
        var brute = new BruteForceBm25(docs);

        foreach (var query in new[] { "order", "order refund", "parcel courier refund", "invoice order parcel refund courier" })
        {
            var scores = brute.Scores(query);
            foreach (var k in new[] { 1, 5, 20, 100 })
            {
                var expected = scores.Where(x => x.Value > 0 && (taskType is null || brute.TaskTypeOf(x.Key) == taskType))
                    .OrderByDescending(x => Math.Round(x.Value, 9)).ThenBy(x => x.Key).Take(k).Select(x => x.Key);

                Assert.Equal(expected, index.Search(query, k, taskType).Select(h => h.EntryId));
            }
        }
    }

    [Fact]
    public void Search_ManyThreadsOnOneIndex_GiveTheSameResultsAsSerial()
    {
        var index = RetrievalIndex.Build(Corpus(3000, seed: 5));
        var queries = Queries(200, seed: 13);
        var serial = queries.Select(q => index.Search(q, 10)).ToArray();
        var failures = 0;
        using var start = new Barrier(16);

        var threads = Enumerable.Range(0, 16).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var round = 0; round < 10; round++)
            {
                for (var i = 0; i < queries.Count; i++)
                {
                    var j = (i + (t * 17)) % queries.Count;
                    if (!index.Search(queries[j], 10).SequenceEqual(serial[j]))
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(0, failures);
        Assert.Contains(serial, hits => hits.Count == 10);
    }

    private static readonly string[] Words =
    [
        "order", "refund", "account", "parcel", "courier", "invoice", "password", "delivery", "return", "warranty",
        "battery", "screen", "charger", "subscription", "discount", "voucher", "address", "payment", "card", "bank",
        "store", "pickup", "exchange", "size", "colour", "damaged", "missing", "late", "tracking", "label",
    ];

    // Words drawn with a Zipf-like skew (the first words in most documents), plus a rare word per document.
    internal static List<RetrievalDocument> Corpus(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(1, count).Select(i =>
        {
            var content = string.Join(' ', Enumerable.Range(0, random.Next(8, 30)).Select(_ => Zipf(random)).Append($"rare{i % 500}"));
            var title = string.Join(' ', Enumerable.Range(0, random.Next(1, 4)).Select(_ => Zipf(random)));
            return new RetrievalDocument(Guid.NewGuid(), Guid.NewGuid(), 1, title, content, $"t{i % 3}");
        }).ToList();
    }

    // Words w0…w599 with a Zipf skew (exponent about 1): a few in most documents, a long tail in few.
    private static List<RetrievalDocument> WideCorpus(int count, int seed)
    {
        var random = new Random(seed);
        var cumulative = new double[600];
        var total = 0.0;
        for (var r = 0; r < cumulative.Length; r++)
        {
            total += 1.0 / (r + 1);
            cumulative[r] = total;
        }

        string Word()
        {
            var at = Array.BinarySearch(cumulative, random.NextDouble() * total);
            return $"w{Math.Min(at < 0 ? ~at : at, cumulative.Length - 1)}";
        }

        return Enumerable.Range(1, count).Select(i => new RetrievalDocument(
            Guid.NewGuid(), Guid.NewGuid(), 1,
            string.Join(' ', Enumerable.Range(0, random.Next(0, 4)).Select(_ => Word())),
            string.Join(' ', Enumerable.Range(0, random.Next(5, 60)).Select(_ => Word())),
            $"t{i % 3}")).ToList();
    }

    internal static List<string> Queries(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
            string.Join(' ', Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(4) == 0 ? $"rare{random.Next(500)}" : Zipf(random)).Append("the"))).ToList();
    }

    private static string Zipf(Random random) => Words[Math.Min(Words.Length - 1, (int)(Words.Length * Math.Pow(random.NextDouble(), 3)))];

    // BM25 written out plainly from the analyzer's terms, in doubles, over every document.
    private sealed class BruteForceBm25
    {
        private readonly List<(Guid Id, Dictionary<string, int> Tf, int Length)> _docs;
        private readonly Dictionary<Guid, string?> _taskTypes;
        private readonly Dictionary<string, int> _df = [];
        private readonly double _averageLength;

        public BruteForceBm25(IReadOnlyList<RetrievalDocument> docs)
        {
            _taskTypes = docs.ToDictionary(d => d.EntryId, d => d.TaskType);
            _docs = docs.Select(d =>
            {
                var tf = new Dictionary<string, int>();
                foreach (var t in TextAnalyzer.Analyze(d.Title))
                {
                    tf[t] = tf.GetValueOrDefault(t) + RetrievalIndex.TitleWeight;
                }

                foreach (var t in TextAnalyzer.Analyze(d.Content))
                {
                    tf[t] = tf.GetValueOrDefault(t) + 1;
                }

                return (d.EntryId, tf, tf.Values.Sum());
            }).ToList();
            foreach (var term in _docs.SelectMany(d => d.Tf.Keys))
            {
                _df[term] = _df.GetValueOrDefault(term) + 1;
            }

            _averageLength = _docs.Average(d => d.Length);
        }

        public string? TaskTypeOf(Guid id) => _taskTypes[id];

        public Dictionary<Guid, double> Scores(string query)
        {
            var terms = TextAnalyzer.Analyze(query).Distinct().ToList();
            var max = 0.0;
            var idfs = new List<(string Term, double Idf)>();
            foreach (var t in terms)
            {
                var df = _df.GetValueOrDefault(t);
                var idf = Math.Log(1 + ((_docs.Count - df + 0.5) / (df + 0.5)));
                max += idf * (RetrievalIndex.K1 + 1);
                idfs.Add((t, idf));
            }

            return _docs.ToDictionary(d => d.Id, d =>
            {
                var raw = 0.0;
                foreach (var (t, idf) in idfs)
                {
                    if (d.Tf.TryGetValue(t, out var tf))
                    {
                        raw += idf * tf * (RetrievalIndex.K1 + 1) / (tf + (RetrievalIndex.K1 * (1 - RetrievalIndex.B + (RetrievalIndex.B * d.Length / _averageLength))));
                    }
                }

                return max == 0 ? 0 : raw / max;
            });
        }
    }
}
