using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage.Cases;

namespace FeedbackConsole.Core.Tests.Features.Triage.Cases;

public sealed class CaseWorkflowTests
{
    private const CaseStatus New = CaseStatus.New;
    private const CaseStatus InReview = CaseStatus.InReview;
    private const CaseStatus Labeled = CaseStatus.Labeled;
    private const CaseStatus Proposed = CaseStatus.CorrectionProposed;
    private const CaseStatus Approved = CaseStatus.Approved;
    private const CaseStatus Released = CaseStatus.Released;
    private const CaseStatus Dismissed = CaseStatus.Dismissed;
    private const CaseStatus Duplicate = CaseStatus.Duplicate;

    /// <summary>Every reviewer move DESIGN.md and the issue allow; any pair not listed must be refused.</summary>
    private static readonly HashSet<(CaseStatus From, CaseStatus To)> Allowed =
    [
        (New, InReview), (New, Labeled), (New, Dismissed), (New, Duplicate),
        (InReview, Labeled), (InReview, Dismissed), (InReview, Duplicate),
        (Labeled, InReview), (Labeled, Proposed), (Labeled, Dismissed), (Labeled, Duplicate),
        (Proposed, Labeled), (Proposed, Dismissed), (Proposed, Duplicate),
        (Dismissed, InReview),
        (Duplicate, InReview),
    ];

    public static TheoryData<CaseStatus, CaseStatus> EveryPair()
    {
        var data = new TheoryData<CaseStatus, CaseStatus>();
        foreach (var from in Enum.GetValues<CaseStatus>())
        {
            foreach (var to in Enum.GetValues<CaseStatus>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void CheckMove_EveryPair_AllowsExactlyTheDesignedMovesAndExplainsTheRest(CaseStatus from, CaseStatus to)
    {
        var refusal = CaseWorkflow.CheckMove(from, to);

        if (Allowed.Contains((from, to)))
        {
            Assert.Null(refusal);
            Assert.True(CaseWorkflow.CanMove(from, to));
        }
        else
        {
            Assert.False(CaseWorkflow.CanMove(from, to));
            Assert.False(string.IsNullOrWhiteSpace(refusal));
            Assert.EndsWith(".", refusal, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", refusal, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(Released, Dismissed, "A released case cannot be dismissed")]
    [InlineData(Approved, Dismissed, "An approved case cannot be dismissed")]
    [InlineData(Released, Duplicate, "A released case cannot be marked as a duplicate")]
    [InlineData(Labeled, Approved, "set by the knowledge-base flow")]
    [InlineData(Proposed, Released, "set by the knowledge-base flow")]
    [InlineData(Dismissed, Labeled, "reopen it first")]
    [InlineData(Dismissed, Duplicate, "reopen it first")]
    [InlineData(New, Proposed, "Confirm at least one failure mode")]
    [InlineData(InReview, InReview, "already in review")]
    public void CheckMove_InvalidMove_SaysWhyInWords(CaseStatus from, CaseStatus to, string expected) =>
        Assert.Contains(expected, CaseWorkflow.CheckMove(from, to), StringComparison.Ordinal);

    [Theory]
    [InlineData(New, Labeled)]
    [InlineData(InReview, Labeled)]
    [InlineData(Labeled, Labeled)]
    [InlineData(Proposed, Proposed)]
    public void OnConfirmMode_OpenCase_LabelsOrKeepsStatus(CaseStatus from, CaseStatus expected) =>
        Assert.Equal((expected, (string?)null), CaseWorkflow.OnConfirmMode(from));

    [Theory]
    [InlineData(Approved)]
    [InlineData(Released)]
    [InlineData(Dismissed)]
    [InlineData(Duplicate)]
    public void OnConfirmMode_ClosedCase_IsRefused(CaseStatus from)
    {
        var (to, error) = CaseWorkflow.OnConfirmMode(from);

        Assert.Null(to);
        Assert.NotNull(error);
    }

    [Fact]
    public void OnUnconfirmMode_LastModeOfLabeledCase_GoesBackToInReview()
    {
        Assert.Equal((InReview, (string?)null), CaseWorkflow.OnUnconfirmMode(Labeled, confirmedLeft: 0));
        Assert.Equal((Labeled, (string?)null), CaseWorkflow.OnUnconfirmMode(Labeled, confirmedLeft: 1));
        Assert.NotNull(CaseWorkflow.OnUnconfirmMode(Proposed, confirmedLeft: 0).Error);
        Assert.NotNull(CaseWorkflow.OnUnconfirmMode(Released, confirmedLeft: 2).Error);
    }

    [Fact]
    public void OnProposeAnswer_FollowsTheDesignOrder()
    {
        Assert.Equal((Proposed, (string?)null), CaseWorkflow.OnProposeAnswer(Labeled, hasConfirmedMode: true, withdraw: false));
        Assert.Equal((Proposed, (string?)null), CaseWorkflow.OnProposeAnswer(Proposed, hasConfirmedMode: true, withdraw: false));
        Assert.Contains("Confirm at least one failure mode", CaseWorkflow.OnProposeAnswer(New, hasConfirmedMode: false, withdraw: false).Error, StringComparison.Ordinal);
        Assert.Equal((Labeled, (string?)null), CaseWorkflow.OnProposeAnswer(Proposed, hasConfirmedMode: true, withdraw: true));
        Assert.NotNull(CaseWorkflow.OnProposeAnswer(Approved, hasConfirmedMode: true, withdraw: false).Error);
        Assert.NotNull(CaseWorkflow.OnProposeAnswer(Dismissed, hasConfirmedMode: true, withdraw: false).Error);
    }

    [Fact]
    public void OnEdit_NewCase_MovesToInReviewAndOthersStay()
    {
        Assert.Equal((InReview, (string?)null), CaseWorkflow.OnEdit(New, "severity"));
        Assert.Equal((Labeled, (string?)null), CaseWorkflow.OnEdit(Labeled, "note"));
        Assert.Equal((Released, (string?)null), CaseWorkflow.OnEdit(Released, "note"));
        Assert.NotNull(CaseWorkflow.OnEdit(Released, "severity").Error);
    }
}
