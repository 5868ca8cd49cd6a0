using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;

/// <summary>
/// The in-memory BM25 index of one immutable release. Built once, then read by any number of threads at once without
/// locks; a search allocates only its result (and, once per thread, a bit set of the documents). Postings are
/// term-major arrays (document ordinals ascending, with precomputed BM25 term weights), not objects. The commonest
/// terms also have a forward copy: a bit per document saying whether the document holds the term, and the document's
/// weights of those terms, so a search learns in constant time whether and how much a document scores on a common
/// word, without searching that word's long list. Search is MaxScore (Turtle and Flood, 1995) taken list by list: the
/// exact BM25 top k, scoring only the few documents whose bound can still beat the k-th best score.
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

    // Common terms: at most this many, each in at least 1/CommonMinShare of the documents, get a bit in each
    // document's mask and a forward copy of their weights (at 100k documents: ~3 MB of masks, ~8 MB of weights).
    private const int MaxCommonTerms = 256;
    private const int CommonMinShare = 256;

    // Postings a scan takes at a time (see Search).
    private const int ScanChunk = 64;

    // A query of at most this many common terms sums its bounds from a table of every subset (2^n floats).
    private const int BoundTableTerms = 10;

    // The documents a search has seen in a scanned list of an uncommon term; one per thread, cleared after each search.
    [ThreadStatic]
    private static ulong[]? t_seen;

    // Set while a search holds this thread's seen set; still set at the next search only if one ended mid-way (an
    // exception), and then the set is cleared whole rather than trusted.
    [ThreadStatic]
    private static bool t_seenInUse;

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
    private readonly int[] _commonSlot; // per term: its bit in the document masks, or -1
    private readonly int _maskWords; // ulongs per document mask
    private readonly ulong[] _documentMasks; // word w of document d's mask: [w * documents + d], so that a scan in document order reads each word in order
    private readonly int[] _forwardStart; // document d's common-term weights, in slot order: [start[d], start[d + 1])
    private readonly float[] _forwardWeights;
    private readonly float[] _commonCap; // per document: its highest weight of a common term

    private RetrievalIndex(
        RetrievalDocument[] documents, Dictionary<string, int> terms, int[] termStart, int[] postingDocs, float[] postingWeights,
        float[] idf, float[] upperBound, int[] topStart, int[] topDocs, int[] taskTypeOfDocument, Dictionary<string, int> taskTypes,
        int[] commonSlot, int maskWords, ulong[] documentMasks, int[] forwardStart, float[] forwardWeights, float[] commonCap)
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
        _commonSlot = commonSlot;
        _maskWords = maskWords;
        _documentMasks = documentMasks;
        _forwardStart = forwardStart;
        _forwardWeights = forwardWeights;
        _commonCap = commonCap;
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
                + (long)_ordinalByEntry.Count * 32
                + (long)_commonSlot.Length * sizeof(int) + (long)_documentMasks.Length * sizeof(ulong)
                + (long)_forwardStart.Length * sizeof(int) + (long)(_forwardWeights.Length + _commonCap.Length) * sizeof(float);
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

        // Common terms: a bit in each document's mask and a forward copy of their weights, in slot order.
        var minCommonDf = Math.Max(2, (docs.Length + CommonMinShare - 1) / CommonMinShare);
        var common = Enumerable.Range(0, termCount).Where(t => df[t] >= minCommonDf)
            .OrderByDescending(t => df[t]).ThenBy(t => t).Take(MaxCommonTerms).ToArray();
        var commonSlot = new int[termCount];
        Array.Fill(commonSlot, -1);
        var maskWords = (common.Length + 63) / 64;
        var documentMasks = new ulong[(long)docs.Length * maskWords];
        for (var slot = 0; slot < common.Length; slot++)
        {
            var t = common[slot];
            commonSlot[t] = slot;
            for (var p = termStart[t]; p < termStart[t + 1]; p++)
            {
                documentMasks[((long)(slot >> 6) * docs.Length) + postingDocs[p]] |= 1UL << slot;
            }
        }

        var forwardStart = new int[docs.Length + 1];
        for (var d = 0; d < docs.Length; d++)
        {
            var count = 0;
            for (var w = 0; w < maskWords; w++)
            {
                count += BitOperations.PopCount(documentMasks[((long)w * docs.Length) + d]);
            }

            forwardStart[d + 1] = forwardStart[d] + count;
        }

        var forwardWeights = new float[forwardStart[docs.Length]];
        var commonCap = new float[docs.Length];
        for (var slot = 0; slot < common.Length; slot++)
        {
            var t = common[slot];
            for (var p = termStart[t]; p < termStart[t + 1]; p++)
            {
                var d = postingDocs[p];
                forwardWeights[ForwardAt(documentMasks, docs.Length, forwardStart, d, slot)] = postingWeights[p];
                commonCap[d] = Math.Max(commonCap[d], postingWeights[p]);
            }
        }

        return new RetrievalIndex(docs, terms, termStart, postingDocs, postingWeights, idf, upperBound, topStart, topDocs, taskTypeOfDocument, taskTypes,
            commonSlot, maskWords, documentMasks, forwardStart, forwardWeights, commonCap);

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
    /// Each query term's list has an upper bound (its idf × its highest term weight). The lists are scanned one after
    /// another, highest bound first; a document is considered in the first list that holds it, and skipped in the
    /// later ones. A document first met in list i can score at most its weight there plus the bounds of the later
    /// lists that hold it (known at once from its mask for common terms), so most documents are dismissed without
    /// being scored; and once the bounds of lists i.. together cannot beat the k-th best score, no document that is
    /// not in an earlier list can enter the top k, and the search ends.
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

        // Highest upper bound first (ties by the higher term id): lists are scanned and scores summed in this fixed
        // order, so the float sums, and with them the result, do not depend on how the query was worded.
        var terms = queryTerms[..termCount];
        terms.Sort((x, y) =>
        {
            var byBound = _upperBound[y].CompareTo(_upperBound[x]);
            return byBound != 0 ? byBound : y.CompareTo(x);
        });

        var plan = new Plan(this, terms, stackalloc int[(termCount * 5) + 8], stackalloc float[termCount * 6], stackalloc ulong[(termCount * 2) + 4]);
        // Bounds of the common terms a document holds: the sum of their bounds, or of their idfs times the document's
        // highest common-term weight, whichever is lower; by subset from tables when the query has few common terms.
        Span<float> boundTable = plan.CommonCount <= BoundTableTerms ? stackalloc float[2 << plan.CommonCount] : default;
        plan.FillBoundTables(boundTable);
        var caps = _commonCap;
        Span<int> chunkPosting = stackalloc int[ScanChunk];
        Span<ulong> chunkPresence = stackalloc ulong[ScanChunk];
        Span<float> chunkCap = stackalloc float[ScanChunk];
        Span<int> chunkForward = stackalloc int[ScanChunk];
        Span<float> chunkScore = stackalloc float[ScanChunk];
        var forwardStart = _forwardStart;

        Span<float> heapScores = stackalloc float[k]; // min-heap of the best k so far; the root is the k-th best
        Span<int> heapDocs = stackalloc int[k];
        var size = 0;
        var docs = _postingDocs;
        var weights = _postingWeights;

        // A document enters the top k only with a score above the threshold: the k-th best so far, or, primed, just
        // under the k-th best score of the terms' best documents (k documents score at least that, so nothing
        // below it can be in the top k).
        var threshold = Prime(ref plan, k, filter);
        var seen = default(Span<ulong>);
        ulong marked = 0; // query terms whose documents are marked in `seen`
        for (var q = 0; q < termCount; q++)
        {
            if (CannotEnter(plan.Bound[q] + plan.Rest[q], threshold))
            {
                break; // a document in none of lists 0..q-1 cannot enter any more
            }

            var weightOf = plan.Idf[q];
            var rest = plan.Rest[q];
            var uncommonRest = plan.UncommonRest[q];
            var earlier = plan.EarlierCommon[q];
            var later = plan.LaterCommon[q];
            var checkSeen = marked != 0;
            plan.ResetCursors(q + 1);
            var end = plan.End[q];
            var stop = false;
            for (var from = plan.Start[q]; from < end && !stop; from += ScanChunk)
            {
                // A chunk at a time: first the postings whose own weight may still do (without branching on each),
                // then their documents' masks and caps, loaded in a row so that the memory reads overlap, then the
                // checks and scoring of those that remain.
                var to = Math.Min(end, from + ScanChunk);
                var picked = 0;
                for (var p = from; p < to; p++)
                {
                    chunkPosting[picked] = p;
                    picked += CannotEnter((weightOf * weights[p]) + rest, threshold) ? 0 : 1;
                }

                for (var i = 0; i < picked; i++)
                {
                    var d = docs[chunkPosting[i]];
                    chunkPresence[i] = plan.Presence(d);
                    chunkCap[i] = caps[d];
                }

                var kept = 0;
                for (var i = 0; i < picked; i++)
                {
                    var p = chunkPosting[i];
                    var d = docs[p];
                    var present = chunkPresence[i];
                    if ((present & earlier) != 0 || (checkSeen && (seen[d >> 6] & (1UL << d)) != 0))
                    {
                        continue; // considered in an earlier list
                    }

                    var laterPresent = present & later;
                    var bound = (weightOf * weights[p]) + uncommonRest + (boundTable.IsEmpty
                        ? plan.SumBounds(laterPresent, chunkCap[i])
                        : Math.Min(boundTable[(int)laterPresent << 1], boundTable[((int)laterPresent << 1) + 1] * chunkCap[i]));
                    if (CannotEnter(bound, threshold) || (filter >= 0 && _taskTypeOfDocument[d] != filter))
                    {
                        continue;
                    }

                    chunkPosting[kept] = p;
                    chunkPresence[kept] = present;
                    chunkForward[kept] = forwardStart[d];
                    kept++;
                }

                // Full scores, then the top k. The candidates' forward weights are asked for first, all of them, so that
                // their cache misses (the search's main cost: a random read in megabytes of weights per candidate) overlap
                // instead of coming one after another; measured 15-30 % less CPU per search (bench/README.md).
                if (Sse.IsSupported)
                {
                    for (var i = 0; i < kept; i++)
                    {
                        Prefetch(_forwardWeights, chunkForward[i]);
                    }
                }

                for (var i = 0; i < kept; i++)
                {
                    var p = chunkPosting[i];
                    chunkScore[i] = plan.Complete(docs[p], q, weightOf * weights[p], chunkPresence[i], chunkForward[i]);
                }

                for (var i = 0; i < kept; i++)
                {
                    var d = docs[chunkPosting[i]];
                    var score = chunkScore[i];
                    if (Enters(heapScores, heapDocs, size, score, d, threshold))
                    {
                        threshold = Offer(heapScores, heapDocs, ref size, score, d, threshold);
                        if (CannotEnter(plan.Bound[q] + rest, threshold))
                        {
                            stop = true;
                            break;
                        }
                    }
                }
            }

            if (stop)
            {
                break;
            }

            if (plan.Slot[q] < 0 && q + 1 < termCount)
            {
                // Later lists skip this list's documents: common lists by their masks, this one by the seen set.
                if (seen.IsEmpty)
                {
                    seen = Seen(_documents.Length);
                }

                foreach (var d in docs.AsSpan(plan.Start[q], plan.End[q] - plan.Start[q]))
                {
                    seen[d >> 6] |= 1UL << d;
                }

                marked |= 1UL << q;
            }
        }

        for (var q = 0; marked != 0; q++, marked >>= 1)
        {
            if ((marked & 1) != 0)
            {
                foreach (var d in docs.AsSpan(plan.Start[q], plan.End[q] - plan.Start[q]))
                {
                    seen[d >> 6] = 0;
                }
            }
        }

        t_seenInUse = false;

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

    // Asks the CPU to start loading the cache line of array[index] now, so that the read that needs it finds it there.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(float[] array, int index)
    {
        if ((uint)index < (uint)array.Length)
        {
            fixed (float* at = &array[index])
            {
                Sse.Prefetch0(at);
            }
        }
    }

    // This thread's seen set, all clear, for at least `documents` documents.
    private static Span<ulong> Seen(int documents)
    {
        var words = (documents + 63) >> 6;
        if (t_seen is null || t_seen.Length < words)
        {
            t_seen = new ulong[Math.Max(words, 1024)];
        }
        else if (t_seenInUse)
        {
            Array.Clear(t_seen);
        }

        t_seenInUse = true;

        return t_seen.AsSpan(0, words);
    }

    // The threshold a search may start from: just under the k-th best full score among the best documents of each
    // query term, or -∞ when the lists are short (nothing to save) or those documents are fewer than k.
    private float Prime(ref Plan plan, int k, int filter)
    {
        long postings = 0;
        var candidateCount = 0;
        for (var i = 0; i < plan.Count; i++)
        {
            postings += plan.End[i] - plan.Start[i];
            candidateCount += _topStart[plan.Term(i) + 1] - _topStart[plan.Term(i)];
        }

        if (postings < PrimeMinPostings || candidateCount < k)
        {
            return float.NegativeInfinity;
        }

        Span<int> candidates = candidateCount <= 1024 ? stackalloc int[candidateCount] : new int[candidateCount];
        var n = 0;
        for (var i = 0; i < plan.Count; i++)
        {
            var term = plan.Term(i);
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

            var score = plan.FullScore(d);
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

    // The position of a common term's weight (by its slot) in a document's forward weights; the document must hold it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ForwardAt(ulong[] masks, int documents, int[] forwardStart, int d, int slot) =>
        forwardStart[d] + ForwardRank(masks, documents, d, slot);

    // The rank of a common term's weight (by its slot) among a document's forward weights.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ForwardRank(ulong[] masks, int documents, int d, int slot)
    {
        var word = slot >> 6;
        var rank = BitOperations.PopCount(masks[((long)word * documents) + d] & ((1UL << slot) - 1));
        for (var w = 0; w < word; w++)
        {
            rank += BitOperations.PopCount(masks[((long)w * documents) + d]);
        }

        return rank;
    }

    // One search's query terms, highest bound first (index i), with what the scan needs of each. The common terms
    // also get a compact bit (in slot order): a document's presence is the set of the query's common terms it holds.
    private ref struct Plan
    {
        public readonly Span<int> Start;
        public readonly Span<int> End;
        public readonly Span<int> Slot; // the term's common slot, or -1
        public readonly Span<float> Idf;
        public readonly Span<float> Bound;
        public readonly Span<float> Rest; // Rest[i]: the bounds of lists i+1.. together
        public readonly Span<float> UncommonRest; // the bounds of the uncommon lists among i+1.. together
        public readonly Span<ulong> EarlierCommon; // compact bits of the common terms among 0..i-1
        public readonly Span<ulong> LaterCommon; // compact bits of the common terms among i+1..
        public readonly int Count;
        public readonly int CommonCount;
        private readonly Span<int> _terms;
        private readonly Span<int> _cursor; // uncommon lists: where a scan's lookups have got to
        private readonly Span<int> _compact; // the term's compact bit, or -1
        private readonly Span<float> _compactBound; // by compact bit
        private readonly Span<float> _compactIdf; // by compact bit
        private readonly Span<ulong> _groupBits; // per mask word holding query terms: its bits of them
        private readonly Span<int> _groupWord; // ... the word
        private readonly Span<int> _groupShift; // ... where its bits go in the compact set
        private readonly int _groups;
        private readonly int[] _postingDocs;
        private readonly float[] _postingWeights;
        private readonly ulong[] _masks;
        private readonly int _maskWords;
        private readonly int _documents;
        private readonly int[] _forwardStart;
        private readonly float[] _forwardWeights;

        public Plan(RetrievalIndex index, Span<int> terms, Span<int> ints, Span<float> floats, Span<ulong> ulongs)
        {
            var n = terms.Length;
            _terms = terms;
            _postingDocs = index._postingDocs;
            _postingWeights = index._postingWeights;
            _masks = index._documentMasks;
            _maskWords = index._maskWords;
            _documents = index._documents.Length;
            _forwardStart = index._forwardStart;
            _forwardWeights = index._forwardWeights;
            Count = n;
            Start = ints[..n];
            End = ints.Slice(n, n);
            Slot = ints.Slice(2 * n, n);
            _cursor = ints.Slice(3 * n, n);
            _compact = ints.Slice(4 * n, n);
            _groupWord = ints.Slice(5 * n, 4);
            _groupShift = ints.Slice((5 * n) + 4, 4);
            Idf = floats[..n];
            Bound = floats.Slice(n, n);
            Rest = floats.Slice(2 * n, n);
            UncommonRest = floats.Slice(3 * n, n);
            _compactBound = floats.Slice(4 * n, n);
            _compactIdf = floats.Slice(5 * n, n);
            EarlierCommon = ulongs[..n];
            LaterCommon = ulongs.Slice(n, n);
            _groupBits = ulongs.Slice(2 * n, 4);
            _groupBits.Clear();

            var after = 0f;
            var uncommonAfter = 0f;
            for (var i = n - 1; i >= 0; i--)
            {
                var t = terms[i];
                Start[i] = index._termStart[t];
                End[i] = index._termStart[t + 1];
                Slot[i] = index._commonSlot[t];
                Idf[i] = index._idf[t];
                Bound[i] = index._upperBound[t];
                Rest[i] = after;
                UncommonRest[i] = uncommonAfter;
                after += Bound[i];
                if (Slot[i] < 0)
                {
                    uncommonAfter += Bound[i];
                }
            }

            // Compact bits in slot order, so that each mask word's bits land in one piece (a bit extract per word).
            CommonCount = 0;
            for (var i = 0; i < n; i++)
            {
                if (Slot[i] >= 0)
                {
                    _groupBits[Slot[i] >> 6] |= 1UL << Slot[i];
                    CommonCount++;
                }
            }

            var shift = 0;
            _groups = 0;
            for (var w = 0; w < _maskWords; w++)
            {
                var bits = _groupBits[w];
                if (bits == 0)
                {
                    continue;
                }

                _groupBits[_groups] = bits;
                _groupWord[_groups] = w;
                _groupShift[_groups] = shift;
                _groups++;
                shift += BitOperations.PopCount(bits);
            }

            for (var g = _groups; g < 4; g++)
            {
                _groupBits[g] = 0;
            }

            ulong earlier = 0;
            for (var i = 0; i < n; i++)
            {
                _compact[i] = -1;
                if (Slot[i] >= 0)
                {
                    for (var g = 0; g < _groups; g++)
                    {
                        if (_groupWord[g] == Slot[i] >> 6)
                        {
                            _compact[i] = _groupShift[g] + BitOperations.PopCount(_groupBits[g] & ((1UL << Slot[i]) - 1));
                            _compactBound[_compact[i]] = Bound[i];
                            _compactIdf[_compact[i]] = Idf[i];
                        }
                    }
                }

                EarlierCommon[i] = earlier;
                if (_compact[i] >= 0)
                {
                    earlier |= 1UL << _compact[i];
                }
            }

            ulong later = 0;
            for (var i = n - 1; i >= 0; i--)
            {
                LaterCommon[i] = later;
                if (_compact[i] >= 0)
                {
                    later |= 1UL << _compact[i];
                }
            }
        }

        public readonly int Term(int i) => _terms[i];

        // For every subset of the common terms, by its compact bits: the sum of their bounds (at 2 × set) and of their
        // idfs (at 2 × set + 1).
        public readonly void FillBoundTables(Span<float> table)
        {
            if (table.IsEmpty)
            {
                return;
            }

            table[0] = 0;
            table[1] = 0;
            for (var set = 1; set < table.Length >> 1; set++)
            {
                var c = BitOperations.TrailingZeroCount(set);
                var without = set & (set - 1);
                table[set << 1] = table[without << 1] + _compactBound[c];
                table[(set << 1) + 1] = table[(without << 1) + 1] + _compactIdf[c];
            }
        }

        // The most a document whose highest common-term weight is `cap` can get from the common terms in `set`.
        public readonly float SumBounds(ulong set, float cap)
        {
            var bounds = 0f;
            var idfs = 0f;
            for (; set != 0; set &= set - 1)
            {
                var c = BitOperations.TrailingZeroCount(set);
                bounds += _compactBound[c];
                idfs += _compactIdf[c];
            }

            return Math.Min(bounds, idfs * cap);
        }

        // The query's common terms that document d holds, as compact bits.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly ulong Presence(int d)
        {
            if (_groups == 0)
            {
                return 0;
            }

            var present = Extract(_masks[((long)_groupWord[0] * _documents) + d], _groupBits[0]);
            for (var g = 1; g < _groups; g++)
            {
                present |= Extract(_masks[((long)_groupWord[g] * _documents) + d], _groupBits[g]) << _groupShift[g];
            }

            return present;
        }

        public readonly void ResetCursors(int from)
        {
            for (var i = from; i < Count; i++)
            {
                _cursor[i] = Start[i];
            }
        }

        // The full score of document d, first met in list i with `score` there (so in none of lists 0..i-1): the
        // weights of the later lists that hold it added in list order. Uncommon lists are searched from their
        // cursors, so a scan must ask in ascending document order.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly float Complete(int d, int i, float score, ulong present, int forwardStart)
        {
            for (var j = i + 1; j < Count; j++)
            {
                var c = _compact[j];
                if (c >= 0)
                {
                    if ((present & (1UL << c)) != 0)
                    {
                        score += Idf[j] * _forwardWeights[forwardStart + ForwardRank(_masks, _documents, d, Slot[j])];
                    }
                }
                else
                {
                    var at = Seek(_postingDocs, _cursor[j], End[j], d);
                    _cursor[j] = at;
                    if (at < End[j] && _postingDocs[at] == d)
                    {
                        score += Idf[j] * _postingWeights[at];
                    }
                }
            }

            return score;
        }

        // The full score of any document, in list order (the very float Complete computes).
        public readonly float FullScore(int d)
        {
            var present = Presence(d);
            var score = 0f;
            for (var j = 0; j < Count; j++)
            {
                var c = _compact[j];
                if (c >= 0)
                {
                    if ((present & (1UL << c)) != 0)
                    {
                        score += Idf[j] * _forwardWeights[ForwardAt(_masks, _documents, _forwardStart, d, Slot[j])];
                    }
                }
                else
                {
                    var at = _postingDocs.AsSpan(Start[j], End[j] - Start[j]).BinarySearch(d);
                    if (at >= 0)
                    {
                        score += Idf[j] * _postingWeights[Start[j] + at];
                    }
                }
            }

            return score;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong Extract(ulong value, ulong mask)
        {
            if (Bmi2.X64.IsSupported)
            {
                return Bmi2.X64.ParallelBitExtract(value, mask);
            }

            ulong result = 0;
            var bit = 0;
            for (; mask != 0; mask &= mask - 1)
            {
                result |= ((value >> BitOperations.TrailingZeroCount(mask)) & 1) << bit++;
            }

            return result;
        }
    }

    // Whether a document that beats the threshold would enter the top k: with k documents held, it must beat the
    // k-th best, or tie it with a lower ordinal (lists are scanned one by one, so documents do not come in order).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Enters(Span<float> heapScores, Span<int> heapDocs, int size, float score, int d, float threshold) =>
        size < heapScores.Length ? score > threshold : score > heapScores[0] || (score == heapScores[0] && d < heapDocs[0]);

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
