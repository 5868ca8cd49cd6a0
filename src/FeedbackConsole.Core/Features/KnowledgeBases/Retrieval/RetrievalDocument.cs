namespace FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;

/// <summary>
/// One entry of a release as the retrieval engine indexes it: its current revision's text. For a fact the searchable
/// text is <see cref="Title"/> (weighted <see cref="RetrievalIndex.TitleWeight"/>×) and <see cref="Content"/>; for a
/// few-shot example (<see cref="Input"/> not null) it is the <see cref="Input"/> alone, since the app searches
/// examples by the user's input.
/// </summary>
public sealed record RetrievalDocument(
    Guid EntryId,
    Guid RevisionId,
    int RevisionNumber,
    string Title,
    string Content,
    string? TaskType = null,
    string? Input = null);

/// <summary>
/// One search result. <see cref="Score"/> is the BM25 score divided by the highest BM25 score any document could
/// reach for this query on this release (every query term matched, with saturated frequency): a number in [0, 1)
/// that orders hits exactly as BM25 does, does not depend on k, and drops when query words match nothing.
/// </summary>
public sealed record RetrievalHit(Guid EntryId, Guid RevisionId, int RevisionNumber, double Score);
