using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Impact;

/// <summary>
/// A released correction: an approved revision (new or changed entry) that came from at least one case, and the first
/// release that served it (or a later refinement of it) Live.
/// </summary>
public sealed record ReleasedCorrection(
    Guid RevisionId,
    Guid EntryId,
    int RevisionNumber,
    string Title,
    Guid KnowledgeBaseId,
    string KnowledgeBaseKey,
    Guid ReleaseId,
    int ReleaseNumber,
    DateTimeOffset ReleasedAt,
    IReadOnlyList<Guid> ServedRevisionIds,
    IReadOnlyList<long> CaseIds,
    IReadOnlyList<int> FailureModeIds,
    long TimesServed)
{
    public string ReleaseLabel => $"{KnowledgeBaseKey} v{ReleaseNumber}";

    public DateOnly ReleasedDay => ImpactRollup.DayOf(ReleasedAt);
}

/// <summary>
/// Around one correction: satisfaction when its entry was used since release (and before, when the entry existed), and
/// its failure modes' complaints as a share of all good-or-bad feedback, 28 days before the release and 28 days from it.
/// </summary>
public sealed record CorrectionOutcome(Satisfaction After, Satisfaction? Before, double? ModeShareBefore, double? ModeShareAfter);

/// <summary>Satisfaction: the share of good among the signals that said good or bad.</summary>
public sealed record Satisfaction(int Positive, int Negative)
{
    public int Polar => Positive + Negative;

    public double? Share => Polar == 0 ? null : (double)Positive / Polar;
}

/// <summary>Finds released corrections and their satisfaction before and after release, from small tables and rollups.</summary>
internal static class ImpactCorrections
{
    /// <summary>Days before a release that "before" looks at.</summary>
    public const int BeforeDays = 28;

    public static async Task<List<ReleasedCorrection>> LoadAsync(
        FeedbackDbContext db, Guid applicationId, Guid? onlyRevisionId, CancellationToken cancellationToken)
    {
        var revisions = await (
                from r in db.EntryRevisions.AsNoTracking()
                join kb in db.KnowledgeBases on r.KnowledgeBaseId equals kb.Id
                where kb.ApplicationId == applicationId && r.State == RevisionState.Approved && r.Change != RevisionChange.Retire
                      && db.RevisionSources.Any(s => s.RevisionId == r.Id)
                      && (onlyRevisionId == null || r.EntryId == db.EntryRevisions.Where(x => x.Id == onlyRevisionId).Select(x => x.EntryId).FirstOrDefault())
                select new { r.Id, r.EntryId, r.Number, r.Title, r.KnowledgeBaseId, kb.Key })
            .ToListAsync(cancellationToken);
        if (revisions.Count == 0)
        {
            return [];
        }

        var entryIds = revisions.Select(r => r.EntryId).Distinct().ToList();
        var served = await (
                from re in db.ReleaseEntries.AsNoTracking()
                where entryIds.Contains(re.EntryId)
                join release in db.Releases on re.ReleaseId equals release.Id
                where release.LiveAt != null
                join rev in db.EntryRevisions on re.RevisionId equals rev.Id
                select new { re.EntryId, re.RevisionId, rev.Number, LiveAt = release.LiveAt!.Value, ReleaseId = release.Id, ReleaseNumber = release.Number })
            .ToListAsync(cancellationToken);

        var revisionIds = revisions.Select(r => r.Id).ToList();
        var sources = await db.RevisionSources.AsNoTracking().Where(s => revisionIds.Contains(s.RevisionId))
            .Select(s => new { s.RevisionId, s.CaseId }).ToListAsync(cancellationToken);
        var caseIds = sources.Select(s => s.CaseId).Distinct().ToList();
        var modes = await db.CaseFailureModes.AsNoTracking().Where(m => caseIds.Contains(m.CaseId))
            .Select(m => new { m.CaseId, m.FailureModeId }).ToListAsync(cancellationToken);

        var corrections = new List<(ReleasedCorrection Correction, List<Guid> Served)>();
        foreach (var revision in revisions)
        {
            // A later correction of the same entry takes over from its number on.
            var next = revisions.Where(r => r.EntryId == revision.EntryId && r.Number > revision.Number).Select(r => (int?)r.Number).Min() ?? int.MaxValue;
            var servings = served.Where(s => s.EntryId == revision.EntryId && s.Number >= revision.Number && s.Number < next).ToList();
            if (servings.Count == 0)
            {
                continue;
            }

            var first = servings.MinBy(s => s.LiveAt)!;
            var cases = sources.Where(s => s.RevisionId == revision.Id).Select(s => s.CaseId).Distinct().Order().ToList();
            var caseModes = modes.Where(m => cases.Contains(m.CaseId)).Select(m => m.FailureModeId).Distinct().Order().ToList();
            var servedIds = servings.Select(s => s.RevisionId).Distinct().ToList();
            corrections.Add((new ReleasedCorrection(
                revision.Id, revision.EntryId, revision.Number, revision.Title, revision.KnowledgeBaseId, revision.Key, first.ReleaseId, first.ReleaseNumber,
                first.LiveAt, servedIds, cases, caseModes, 0), servedIds));
        }

        var allServed = corrections.SelectMany(c => c.Served).Distinct().ToList();
        var counts = allServed.Count == 0
            ? []
            : await db.EntryServingTallies.AsNoTracking().Where(t => allServed.Contains(t.RevisionId))
                .GroupBy(t => t.RevisionId).Select(g => new { g.Key, Count = g.Sum(t => t.Count) })
                .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return corrections
            .Select(c => c.Correction with { TimesServed = c.Served.Sum(id => counts.GetValueOrDefault(id)) })
            .ToList();
    }

    /// <summary>
    /// What changed around each correction: satisfaction of interactions that retrieved its entry since release (and, for
    /// an entry that existed before, in the <see cref="BeforeDays"/> days before), and the share of all good-or-bad
    /// feedback that was a complaint of its cases' failure modes in the <see cref="BeforeDays"/> days before the release
    /// against the same number of days from it.
    /// </summary>
    public static async Task<Dictionary<Guid, CorrectionOutcome>> OutcomesAsync(
        FeedbackDbContext db, Guid applicationId, IReadOnlyList<ReleasedCorrection> corrections, CancellationToken cancellationToken)
    {
        var result = new Dictionary<Guid, CorrectionOutcome>();
        if (corrections.Count == 0)
        {
            return result;
        }

        var keys = corrections.Select(c => EntryKey(c.EntryId)).Distinct().ToList();
        var entryDays = await db.ImpactEntryDays.AsNoTracking()
            .Where(e => e.ApplicationId == applicationId && keys.Contains(e.EntryId))
            .GroupBy(e => new { e.EntryId, e.Day })
            .Select(g => new { g.Key.EntryId, g.Key.Day, Positive = g.Sum(e => e.Positive), Negative = g.Sum(e => e.Negative) })
            .ToListAsync(cancellationToken);

        var modeIds = corrections.SelectMany(c => c.FailureModeIds).Distinct().ToList();
        var from = corrections.Min(c => c.ReleasedDay).AddDays(-BeforeDays);
        var to = corrections.Max(c => c.ReleasedDay).AddDays(BeforeDays);
        var modeDays = modeIds.Count == 0
            ? []
            : await db.ImpactFailureModeDays.AsNoTracking()
                .Where(m => m.ApplicationId == applicationId && m.Grain == ImpactGrain.Summary && m.Day >= from && m.Day < to && modeIds.Contains(m.FailureModeId))
                .GroupBy(m => new { m.FailureModeId, m.Day })
                .Select(g => new { g.Key.FailureModeId, g.Key.Day, Negative = g.Sum(m => m.Negative) })
                .ToListAsync(cancellationToken);
        var polarDays = await db.ImpactSignalDays.AsNoTracking()
            .Where(r => r.ApplicationId == applicationId && r.Grain == ImpactGrain.Summary && r.Day >= from && r.Day < to)
            .GroupBy(r => r.Day)
            .Select(g => new { Day = g.Key, Polar = g.Sum(r => r.Positive + r.Negative) })
            .ToDictionaryAsync(g => g.Day, g => g.Polar, cancellationToken);

        foreach (var c in corrections)
        {
            var key = EntryKey(c.EntryId);
            var (start, end) = (c.ReleasedDay.AddDays(-BeforeDays), c.ReleasedDay.AddDays(BeforeDays));
            var mine = entryDays.Where(e => e.EntryId == key).ToList();
            var after = new Satisfaction(mine.Where(e => e.Day >= c.ReleasedDay).Sum(e => e.Positive), mine.Where(e => e.Day >= c.ReleasedDay).Sum(e => e.Negative));
            var before = new Satisfaction(
                mine.Where(e => e.Day >= start && e.Day < c.ReleasedDay).Sum(e => e.Positive),
                mine.Where(e => e.Day >= start && e.Day < c.ReleasedDay).Sum(e => e.Negative));

            double? ModeRate(DateOnly a, DateOnly b)
            {
                var polar = polarDays.Where(p => p.Key >= a && p.Key < b).Sum(p => p.Value);
                var negative = modeDays.Where(m => c.FailureModeIds.Contains(m.FailureModeId) && m.Day >= a && m.Day < b).Sum(m => m.Negative);
                return polar == 0 || c.FailureModeIds.Count == 0 ? null : (double)negative / polar;
            }

            result[c.RevisionId] = new CorrectionOutcome(after, before.Polar == 0 ? null : before, ModeRate(start, c.ReleasedDay), ModeRate(c.ReleasedDay, end));
        }

        return result;
    }

    /// <summary>Entry ids as applications send them back (the API's lower-case form).</summary>
    public static string EntryKey(Guid entryId) => entryId.ToString("D");
}
