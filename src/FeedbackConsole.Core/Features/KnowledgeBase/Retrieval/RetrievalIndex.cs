using System.Runtime.InteropServices;

namespace FeedbackConsole.Core.Features.KnowledgeBase.Retrieval;

/// <summary>
/// The in-memory BM25 index of one immutable release. Built once, then read by
/// any number of threads at once without locks; a search allocates only its result. Postings are term-major arrays
/// (document ordinals ascending, with precomputed BM25 term weights), not objects. Search is document-at-a-time with
/// MaxScore pruning (Turtle and Flood, 1995): the exact BM25 top k, without scoring most of the documents that
/// contain only common words.
/// </summary>
public sealed class RetrievalIndex
{
    /// <summary>BM25 term-frequency saturation.</summary>
    public const double K1 = 1.2;

    /// <summary>BM25 length normalization.</summary>
    public const double B = 0.75;

    /// <summary>A title word counts this many times a content word (and the title's length as many times), BM25F-style.</summary>
    public const int TitleWeight = 2;

    /// <summary>Terms of a query considered: the first ones, after stop words are removed.</summary>
    public const int MaxQueryTerms = 64;

    /// <summary>Characters of a query analyzed; the rest is ignored.</summary>
    public const int MaxQueryLength = 4096;

    /// <summary>Most hits one search returns.</summary>
    public const int MaxK = 100;

    // Priming: each term keeps its best few documents; a search over long lists scores those first, so that it
    // starts with a high k-th best score instead of none and skips most of the common terms' documents from the start.
    private const int PrimeDocsPerTerm = 8;
    private const int PrimeMinPostings = 4096;

    private readonly RetrievalDocument[] _documents;
    private readonly Dictionary<Guid, int> _ordinalByEntry;
    private readonly Dictionary<string, int> _terms;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _termLookup;
    private readonly int[] _termStart;
    private readonly int[] _postingDocs;
    private readonly float[] _postingWeights;
    private readonly float[] _idf;
    private readonly float[] _upperBound;
    private readonly int[] _topStart;
    private readonly int[] _topDocs;
    private readonly int[] _taskTypeOfDocument;
    private readonly Dictionary<string, int> _taskTypes;
    private readonly float _unknownTermIdf;

    private RetrievalIndex(
        RetrievalDocument[] documents, Dictionary<string, int> terms, int[] termStart, int[] postingDocs, float[] postingWeights,
        float[] idf, float[] upperBound, int[] topStart, int[] topDocs, int[] taskTypeOfDocument, Dictionary<string, int> taskTypes)
    {
        _documents = documents;
        _ordinalByEntry = new Dictionary<Guid, int>(documents.Length);
        for (var i = 0; i < documents.Length; i++)
        {
            _ordinalByEntry[documents[i].EntryId] = i;
        }

        _terms = terms;
        _termLookup = terms.GetAlternateLookup<ReadOnlySpan<char>>();
        _termStart = termStart;
        _postingDocs = postingDocs;
        _postingWeights = postingWeights;
        _idf = idf;
        _upperBound = upperBound;
        _topStart = topStart;
        _topDocs = topDocs;
        _taskTypeOfDocument = taskTypeOfDocument;
        _taskTypes = taskTypes;
        _unknownTermIdf = Idf(documents.Length, 0);
    }

    /// <summary>An index of no documents: the baseline of a first release.</summary>
    public static RetrievalIndex Empty { get; } = Build([]);

    /// <summary>Documents, ordered by entry id (the order ties are broken in).</summary>
    public IReadOnlyList<RetrievalDocument> Documents => _documents.AsReadOnly();

    /// <summary>Distinct terms indexed.</summary>
    public int TermCount => _terms.Count;

    /// <summary>Postings (distinct term–document pairs).</summary>
    public int PostingCount => _postingDocs.Length;

    /// <summary>Bytes held by the index's own structures, not counting the documents' strings (an estimate for
    /// the dictionaries: 24 bytes an entry plus the key's string).</summary>
    public long EstimatedIndexBytes
    {
        get
        {
            long bytes = (long)_postingDocs.Length * sizeof(int) + (long)_postingWeights.Length * sizeof(float)
                + (long)_termStart.Length * sizeof(int) + (long)(_idf.Length + _upperBound.Length) * sizeof(float)
                + (long)(_topStart.Length + _topDocs.Length) * sizeof(int)
                + (long)_taskTypeOfDocument.Length * sizeof(int) + (long)_documents.Length * 8
                + (long)_ordinalByEntry.Count * 32;
            foreach (var term in _terms.Keys)
            {
                bytes += 24 + 22 + (term.Length * 2);
            }

            return bytes;
        }
    }

    /// <summary>Builds the index of a release's documents. Entry ids must be distinct.</summary>
    public static RetrievalIndex Build(IReadOnlyList<RetrievalDocument> documents)
    {
        var docs = documents.ToArray();
        Array.Sort(docs, static (x, y) => x.EntryId.CompareTo(y.EntryId));
        for (var i = 1; i < docs.Length; i++)
        {
            if (docs[i].EntryId == docs[i - 1].EntryId)
            {
                throw new ArgumentException($"Entry {docs[i].EntryId} appears twice; a release holds one revision per entry.", nameof(documents));
            }
        }

        var terms = new Dictionary<string, int>(StringComparer.Ordinal);
        var termLookup = terms.GetAlternateLookup<ReadOnlySpan<char>>();
        var taskTypes = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var taskTypeOfDocument = new int[docs.Length];

        // Pass 1, document-major: each document's distinct terms and weighted frequencies.
        var docStart = new int[docs.Length + 1];
        var docTerms = new List<int>(docs.Length * 32);
        var docFrequencies = new List<int>(docs.Length * 32);
        var docLength = new int[docs.Length];
        var df = new List<int>();
        var frequencyOfTerm = new Dictionary<int, int>();
        Span<char> buffer = stackalloc char[TextAnalyzer.MaxTokenLength + 2];
        long totalLength = 0;
        for (var d = 0; d < docs.Length; d++)
        {
            var doc = docs[d];
            taskTypeOfDocument[d] = string.IsNullOrWhiteSpace(doc.TaskType) ? -1 : IdOf(taskTypes, doc.TaskType.Trim());
            frequencyOfTerm.Clear();
            var length = 0;
            if (doc.Input is not null)
            {
                length += Count(doc.Input, 1, buffer);
            }
            else
            {
                length += Count(doc.Title, TitleWeight, buffer);
                length += Count(doc.Content, 1, buffer);
            }

            docLength[d] = length;
            totalLength += length;
            docStart[d] = docTerms.Count;
            foreach (var (term, frequency) in frequencyOfTerm)
            {
                docTerms.Add(term);
                docFrequencies.Add(frequency);
                df[term]++;
            }
        }

        docStart[docs.Length] = docTerms.Count;

        // Pass 2, term-major: postings in document order, each with its BM25 term weight.
        var termCount = terms.Count;
        var termStart = new int[termCount + 1];
        for (var t = 0; t < termCount; t++)
        {
            termStart[t + 1] = termStart[t] + df[t];
        }

        var cursor = termStart[..termCount];
        var postingDocs = new int[docTerms.Count];
        var postingWeights = new float[docTerms.Count];
        var maxWeight = new float[termCount];
        var averageLength = docs.Length == 0 || totalLength == 0 ? 1.0 : (double)totalLength / docs.Length;
        var docTermsSpan = CollectionsMarshal.AsSpan(docTerms);
        var docFrequenciesSpan = CollectionsMarshal.AsSpan(docFrequencies);
        for (var d = 0; d < docs.Length; d++)
        {
            var norm = K1 * (1 - B + (B * docLength[d] / averageLength));
            for (var p = docStart[d]; p < docStart[d + 1]; p++)
            {
                var t = docTermsSpan[p];
                var tf = docFrequenciesSpan[p];
                var weight = (float)(tf * (K1 + 1) / (tf + norm));
                var at = cursor[t]++;
                postingDocs[at] = d;
                postingWeights[at] = weight;
                maxWeight[t] = Math.Max(maxWeight[t], weight);
            }
        }

        var idf = new float[termCount];
        var upperBound = new float[termCount];
        for (var t = 0; t < termCount; t++)
        {
            idf[t] = Idf(docs.Length, df[t]);
            upperBound[t] = idf[t] * maxWeight[t];
        }

        // Each term's best documents (highest weight, ties by ordinal), for priming a search's threshold.
        var topStart = new int[termCount + 1];
        for (var t = 0; t < termCount; t++)
        {
            topStart[t + 1] = topStart[t] + Math.Min(df[t], PrimeDocsPerTerm);
        }

        var topDocs = new int[topStart[termCount]];
        var order = new int[docs.Length];
        for (var t = 0; t < termCount; t++)
        {
            var count = termStart[t + 1] - termStart[t];
            if (count <= PrimeDocsPerTerm)
            {
                Array.Copy(postingDocs, termStart[t], topDocs, topStart[t], count);
                continue;
            }

            var positions = order.AsSpan(0, count);
            for (var p = 0; p < count; p++)
            {
                positions[p] = termStart[t] + p;
            }

            positions.Sort((x, y) => postingWeights[x] != postingWeights[y] ? postingWeights[y].CompareTo(postingWeights[x]) : x.CompareTo(y));
            for (var j = 0; j < PrimeDocsPerTerm; j++)
            {
                topDocs[topStart[t] + j] = postingDocs[positions[j]];
            }
        }

        return new RetrievalIndex(docs, terms, termStart, postingDocs, postingWeights, idf, upperBound, topStart, topDocs, taskTypeOfDocument, taskTypes);

        int Count(string? text, int weight, Span<char> buffer)
        {
            var count = 0;
            var stream = new TextAnalyzer.TermStream(text, buffer);
            while (stream.MoveNext())
            {
                if (!termLookup.TryGetValue(stream.Current, out var term))
                {
                    term = terms.Count;
                    termLookup[stream.Current] = term;
                    df.Add(0);
                }

                ref var frequency = ref CollectionsMarshal.GetValueRefOrAddDefault(frequencyOfTerm, term, out _);
                frequency += weight;
                count += weight;
            }

            return count;
        }
    }

    /// <summary>The document of an entry in this release.</summary>
    public bool TryGetDocument(Guid entryId, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out RetrievalDocument document)
    {
        if (_ordinalByEntry.TryGetValue(entryId, out var ordinal))
        {
            document = _documents[ordinal];
            return true;
        }

        document = null;
        return false;
    }

    /// <summary>
    /// The best <paramref name="k"/> documents (at most <see cref="MaxK"/>) for <paramref name="query"/>, best first,
    /// ties by entry id. OR semantics: a document matching any query term is a candidate. Each distinct query term
    /// counts once, whatever its repeats. With <paramref name="taskType"/> (case-insensitive), only documents of
    /// exactly that task type are eligible — never other task types, nor documents without one — so an app asking
    /// for examples of one task gets no examples of another; an unknown task type finds nothing. Empty when the
    /// query has no indexed term.
    /// </summary>
    /// <remarks>
    /// Each query term's list has an upper bound (its idf × its highest term weight). Once the top k is full, the lists
    /// whose bounds together cannot beat the k-th best score are non-essential: candidates come only from the other
    /// lists, and are looked up in the non-essential ones (galloping search) only while they can still enter the top k.
    /// </remarks>
    public IReadOnlyList<RetrievalHit> Search(string? query, int k, string? taskType = null)
    {
        if (string.IsNullOrWhiteSpace(query) || k <= 0 || _documents.Length == 0)
        {
            return [];
        }

        k = Math.Min(k, MaxK);
        var filter = -1;
        if (!string.IsNullOrWhiteSpace(taskType) && !_taskTypes.TryGetValue(taskType.Trim(), out filter))
        {
            return [];
        }

        Span<int> queryTerms = stackalloc int[MaxQueryTerms];
        var termCount = 0;
        var maxScore = 0.0;
        HashSet<string>? unknown = null;
        var considered = 0;
        var stream = new TextAnalyzer.TermStream(query.AsSpan(0, Math.Min(query.Length, MaxQueryLength)), stackalloc char[TextAnalyzer.MaxTokenLength + 2]);
        while (considered < MaxQueryTerms && stream.MoveNext())
        {
            considered++;
            if (_termLookup.TryGetValue(stream.Current, out var term))
            {
                if (!queryTerms[..termCount].Contains(term))
                {
                    queryTerms[termCount++] = term;
                    maxScore += _idf[term] * (K1 + 1);
                }
            }
            else if ((unknown ??= new HashSet<string>(StringComparer.Ordinal)).Add(stream.Current.ToString()))
            {
                maxScore += _unknownTermIdf * (K1 + 1);
            }
        }

        if (termCount == 0)
        {
            return [];
        }

        // Lowest upper bound first (ties by term id): lists are probed and summed in this fixed order, so the float
        // sums, and with them the result, do not depend on how the query was worded.
        var terms = queryTerms[..termCount];
        terms.Sort((x, y) =>
        {
            var byBound = _upperBound[x].CompareTo(_upperBound[y]);
            return byBound != 0 ? byBound : x.CompareTo(y);
        });

        Span<int> cursor = stackalloc int[termCount];
        Span<int> end = stackalloc int[termCount];
        Span<float> idf = stackalloc float[termCount];
        Span<float> bounds = stackalloc float[termCount + 1]; // bounds[i]: the most lists 0..i-1 together can add
        for (var i = 0; i < termCount; i++)
        {
            cursor[i] = _termStart[terms[i]];
            end[i] = _termStart[terms[i] + 1];
            idf[i] = _idf[terms[i]];
            bounds[i + 1] = bounds[i] + _upperBound[terms[i]];
        }

        Span<float> heapScores = stackalloc float[k]; // min-heap of the best k so far; the root is the k-th best
        Span<int> heapDocs = stackalloc int[k];
        var size = 0;
        var docs = _postingDocs;
        var weights = _postingWeights;

        // A document enters the top k only with a score above the threshold: the k-th best so far, or, primed, just
        // under the k-th best score of the terms' best documents (k documents score at least that, so nothing
        // below it can be in the top k).
        var threshold = Prime(terms, cursor, end, idf, k, filter);
        var firstEssential = 0;
        while (firstEssential < termCount && CannotEnter(bounds[firstEssential + 1], threshold))
        {
            firstEssential++;
        }
        Span<int> current = stackalloc int[termCount]; // each essential list's document under its cursor, or int.MaxValue
        for (var i = 0; i < termCount; i++)
        {
            current[i] = cursor[i] < end[i] ? docs[cursor[i]] : int.MaxValue;
        }

        while (firstEssential < termCount)
        {
            if (firstEssential == termCount - 1)
            {
                // One essential list left (the common case for common words): walk it in a tight loop, skipping each
                // posting whose weight plus everything the other lists could add cannot enter the top k.
                var e = firstEssential;
                var weightOf = idf[e];
                for (var p = cursor[e]; p < end[e]; p++)
                {
                    var score = weightOf * weights[p];
                    if (CannotEnter(score + bounds[e], threshold))
                    {
                        continue;
                    }

                    var d = docs[p];
                    if ((filter < 0 || _taskTypeOfDocument[d] == filter) && Complete(d, ref score, e, cursor, end, idf, bounds, threshold))
                    {
                        threshold = Offer(heapScores, heapDocs, ref size, score, d, threshold);
                        if (CannotEnter(bounds[e + 1], threshold))
                        {
                            break; // no document can enter any more
                        }
                    }
                }

                break;
            }

            // The next candidate: the smallest document among the essential lists.
            var candidate = int.MaxValue;
            for (var i = firstEssential; i < termCount; i++)
            {
                candidate = Math.Min(candidate, current[i]);
            }

            if (candidate == int.MaxValue)
            {
                break;
            }

            var total = 0f;
            for (var i = termCount - 1; i >= firstEssential; i--)
            {
                if (current[i] == candidate)
                {
                    var p = cursor[i]++;
                    total += idf[i] * weights[p];
                    current[i] = p + 1 < end[i] ? docs[p + 1] : int.MaxValue;
                }
            }

            if ((filter < 0 || _taskTypeOfDocument[candidate] == filter) && Complete(candidate, ref total, firstEssential, cursor, end, idf, bounds, threshold))
            {
                threshold = Offer(heapScores, heapDocs, ref size, total, candidate, threshold);
                while (firstEssential < termCount && CannotEnter(bounds[firstEssential + 1], threshold))
                {
                    firstEssential++; // a document only in lists 0..firstEssential can no longer enter the top k
                }
            }
        }

        var order = new (float Score, int Doc)[size];
        for (var i = 0; i < size; i++)
        {
            order[i] = (heapScores[i], heapDocs[i]);
        }

        Array.Sort(order, static (x, y) => x.Score != y.Score ? y.Score.CompareTo(x.Score) : x.Doc.CompareTo(y.Doc));
        var hits = new RetrievalHit[size];
        for (var i = 0; i < size; i++)
        {
            var doc = _documents[order[i].Doc];
            hits[i] = new RetrievalHit(doc.EntryId, doc.RevisionId, doc.RevisionNumber, order[i].Score / maxScore);
        }

        return hits;
    }

    // The threshold a search may start from: just under the k-th best full score among the best documents of each
    // query term, or -∞ when the lists are short (nothing to save) or those documents are fewer than k.
    private float Prime(ReadOnlySpan<int> terms, ReadOnlySpan<int> start, ReadOnlySpan<int> end, ReadOnlySpan<float> idf, int k, int filter)
    {
        long postings = 0;
        var candidateCount = 0;
        foreach (var term in terms)
        {
            postings += _termStart[term + 1] - _termStart[term];
            candidateCount += _topStart[term + 1] - _topStart[term];
        }

        if (postings < PrimeMinPostings || candidateCount < k)
        {
            return float.NegativeInfinity;
        }

        Span<int> candidates = candidateCount <= 1024 ? stackalloc int[candidateCount] : new int[candidateCount];
        var n = 0;
        foreach (var term in terms)
        {
            foreach (var d in _topDocs.AsSpan(_topStart[term], _topStart[term + 1] - _topStart[term]))
            {
                if (filter < 0 || _taskTypeOfDocument[d] == filter)
                {
                    candidates[n++] = d;
                }
            }
        }

        candidates = candidates[..n];
        candidates.Sort();
        Span<float> best = stackalloc float[k]; // min-heap of the best k candidate scores
        var size = 0;
        for (var c = 0; c < candidates.Length; c++)
        {
            var d = candidates[c];
            if (c > 0 && candidates[c - 1] == d)
            {
                continue;
            }

            // Summed in the search's own order (highest bound first), so the score is the very float it will compute.
            var score = 0f;
            for (var i = terms.Length - 1; i >= 0; i--)
            {
                var at = _postingDocs.AsSpan(start[i], end[i] - start[i]).BinarySearch(d);
                if (at >= 0)
                {
                    score += idf[i] * _postingWeights[start[i] + at];
                }
            }

            if (size < k)
            {
                best[size] = score;
                var i = size++;
                while (i > 0 && best[(i - 1) / 2] > best[i])
                {
                    (best[(i - 1) / 2], best[i]) = (best[i], best[(i - 1) / 2]);
                    i = (i - 1) / 2;
                }
            }
            else if (score > best[0])
            {
                best[0] = score;
                var i = 0;
                while (true)
                {
                    var smallest = i;
                    var left = (2 * i) + 1;
                    if (left < size && best[left] < best[smallest])
                    {
                        smallest = left;
                    }

                    if (left + 1 < size && best[left + 1] < best[smallest])
                    {
                        smallest = left + 1;
                    }

                    if (smallest == i)
                    {
                        break;
                    }

                    (best[smallest], best[i]) = (best[i], best[smallest]);
                    i = smallest;
                }
            }
        }

        return size < k ? float.NegativeInfinity : best[0] * (1 - 1e-5f);
    }

    // Adds the non-essential lists' weights to a candidate's score, highest bound first, while it can still beat the
    // threshold; whether it does. Documents come in ordinal order, so one that only ties the k-th best ranks below it.
    private bool Complete(int d, ref float score, int firstEssential, Span<int> cursor, ReadOnlySpan<int> end, ReadOnlySpan<float> idf, ReadOnlySpan<float> bounds, float threshold)
    {
        for (var i = firstEssential - 1; i >= 0; i--)
        {
            if (CannotEnter(score + bounds[i + 1], threshold))
            {
                return false;
            }

            var at = Seek(_postingDocs, cursor[i], end[i], d);
            cursor[i] = at;
            if (at < end[i] && _postingDocs[at] == d)
            {
                score += idf[i] * _postingWeights[at];
                cursor[i] = at + 1;
            }
        }

        return score > threshold;
    }

    // Puts a document that beats the threshold into the top k; the new threshold (the k-th best once there are k).
    private static float Offer(Span<float> heapScores, Span<int> heapDocs, ref int size, float score, int d, float threshold)
    {
        var k = heapScores.Length;
        if (size < k)
        {
            heapScores[size] = score;
            heapDocs[size] = d;
            SiftUp(heapScores, heapDocs, size++);
        }
        else
        {
            heapScores[0] = score;
            heapDocs[0] = d;
            SiftDown(heapScores, heapDocs, size);
        }

        return size == k ? heapScores[0] : threshold;
    }

    // Whether a document whose score can reach at most `bound` cannot beat the k-th best score. The margin covers
    // float sums taken in a different order than the bound's.
    private static bool CannotEnter(float bound, float threshold) => bound * (1 + 1e-5f) <= threshold;

    // The first position at or after `from` whose document is ≥ target: galloping, then binary search.
    private static int Seek(int[] docs, int from, int end, int target)
    {
        // Common words' lists are dense: the target is usually a few positions on.
        var linearEnd = Math.Min(end, from + 8);
        for (; from < linearEnd; from++)
        {
            if (docs[from] >= target)
            {
                return from;
            }
        }

        if (from >= end || docs[from] >= target)
        {
            return from;
        }

        var low = from; // docs[low] < target
        var step = 1;
        var high = from + 1;
        while (high < end && docs[high] < target)
        {
            low = high;
            step <<= 1;
            high = from + step;
        }

        high = Math.Min(high, end);
        var found = docs.AsSpan(low + 1, high - low - 1).BinarySearch(target);
        return low + 1 + (found >= 0 ? found : ~found);
    }

    // Heap order: a lower score is worse; of equal scores the later document (higher ordinal) is worse.
    private static bool Worse(float scoreA, int docA, float scoreB, int docB) => scoreA < scoreB || (scoreA == scoreB && docA > docB);

    private static void SiftUp(Span<float> scores, Span<int> docs, int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (!Worse(scores[i], docs[i], scores[parent], docs[parent]))
            {
                return;
            }

            (scores[parent], scores[i]) = (scores[i], scores[parent]);
            (docs[parent], docs[i]) = (docs[i], docs[parent]);
            i = parent;
        }
    }

    private static void SiftDown(Span<float> scores, Span<int> docs, int size)
    {
        var i = 0;
        while (true)
        {
            var worst = i;
            var left = (2 * i) + 1;
            if (left < size && Worse(scores[left], docs[left], scores[worst], docs[worst]))
            {
                worst = left;
            }

            if (left + 1 < size && Worse(scores[left + 1], docs[left + 1], scores[worst], docs[worst]))
            {
                worst = left + 1;
            }

            if (worst == i)
            {
                return;
            }

            (scores[worst], scores[i]) = (scores[i], scores[worst]);
            (docs[worst], docs[i]) = (docs[i], docs[worst]);
            i = worst;
        }
    }

    private static float Idf(int documents, int frequency) =>
        (float)Math.Log(1 + ((documents - frequency + 0.5) / (frequency + 0.5)));

    private static int IdOf(Dictionary<string, int> ids, string key)
    {
        ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(ids, key, out var exists);
        if (!exists)
        {
            id = ids.Count - 1;
        }

        return id;
    }
}
