using FeedbackConsole.Core.Features.Clustering;

namespace FeedbackConsole.Core.Tests.Features.Clustering;

public sealed class MinHashTests
{
    private static HashSet<ulong> Shingles(params string[] texts) => MinHash.Shingles(texts);

    [Fact]
    public void Tokens_LowerCasesStripsPunctuation_AndKeepsRedactionPlaceholders()
    {
        var tokens = MinHash.Tokens("What's the REFUND window? Write to [email], not to email!");

        Assert.Equal(["whats", "the", "refund", "window", "write", "to", "[email]", "not", "to", "email"], tokens);
    }

    [Fact]
    public void Signature_IsTheSameOnEveryRun_AndKnownValuesNeverChange()
    {
        // Band hashes are stored: a hash that changed between versions or processes would split every cluster.
        var signature = MinHash.Signature(Shingles("the refund window is 30 days"))!;

        Assert.Equal(MinHash.Length, signature.Length);
        Assert.Equal(MinHash.Signature(Shingles("The refund window is 30 days!")), signature);
        Assert.Equal(0xAF63DC4C8601EC8CUL, MinHash.Fnv("a"));
    }

    [Fact]
    public void Jaccard_RefundVariants_AreAboveTheThreshold_UnrelatedTextsFarBelow()
    {
        var a = Shingles("What is the refund window?", "The refund window is 30 days, not 14.");
        var b = Shingles("what is the refund window", "Wrong: the refund window is 30 days not 14");
        var c = Shingles("What's the refund window?", "the refund window is 30 days not 14 days");
        var unrelated = Shingles("Why was my parcel late?", "The courier was rude to me on the phone.");

        Assert.True(MinHash.Jaccard(a, b) >= MinHash.Threshold, $"a~b {MinHash.Jaccard(a, b)}");
        Assert.True(MinHash.Jaccard(a, c) >= MinHash.Threshold, $"a~c {MinHash.Jaccard(a, c)}");
        Assert.True(MinHash.Jaccard(a, unrelated) < 0.1, $"a~unrelated {MinHash.Jaccard(a, unrelated)}");
    }

    [Fact]
    public void EstimatedJaccard_TracksTheExactSimilarity()
    {
        var a = Shingles("What is the refund window?", "The refund window is 30 days, not 14.");
        var b = Shingles("what is the refund window", "Wrong: the refund window is 30 days not 14");

        var estimate = MinHash.EstimatedJaccard(MinHash.Signature(a)!, MinHash.Signature(b)!);

        Assert.InRange(estimate, MinHash.Jaccard(a, b) - 0.2, MinHash.Jaccard(a, b) + 0.2);
    }

    [Fact]
    public void BandHashes_NearDuplicatesShareABand_UnrelatedShareNone()
    {
        var a = MinHash.BandHashes(MinHash.Signature(Shingles("What is the refund window?", "The refund window is 30 days, not 14."))!);
        var b = MinHash.BandHashes(MinHash.Signature(Shingles("what is the refund window", "Wrong: the refund window is 30 days not 14"))!);
        var unrelated = MinHash.BandHashes(MinHash.Signature(Shingles("Why was my parcel late?", "The courier was rude to me on the phone."))!);

        Assert.Equal(MinHash.Bands, a.Length);
        Assert.NotEmpty(a.Intersect(b));
        Assert.Empty(a.Intersect(unrelated));
    }

    [Fact]
    public void Signature_NoText_IsNull()
    {
        Assert.Null(MinHash.Signature(Shingles("", "  ?! ")));
    }
}
