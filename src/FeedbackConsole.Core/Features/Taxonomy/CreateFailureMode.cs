using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Taxonomy;

/// <summary>
/// An admin adds a failure mode, top-level (a family) or under a parent. The key is chosen once and never changes
/// (see <see cref="RenameFailureMode"/>); it must be unique among all modes, retired ones included.
/// </summary>
public sealed class CreateFailureMode(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit)
{
    public sealed record Request(int? ParentId, string Key, string Name, string Description);

    public async Task<Result<int>> HandleAsync(Request request, string actingUserId, CancellationToken cancellationToken = default)
    {
        var (key, keyError) = FailureModeInput.Key(request.Key);
        var (name, description, nameError) = FailureModeInput.NameAndDescription(request.Name, request.Description);
        if ((keyError ?? nameError) is { } invalid)
        {
            return Result<int>.Fail(invalid);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        FailureMode? parent = null;
        if (request.ParentId is { } parentId)
        {
            parent = await db.FailureModes.FirstOrDefaultAsync(m => m.Id == parentId, cancellationToken);
            if (parent is null)
            {
                return Result<int>.Fail("The parent mode no longer exists. Reload the page.");
            }

            if (parent.RetiredAt is not null)
            {
                return Result<int>.Fail($"“{parent.Name}” is retired. Restore it before adding modes under it.");
            }
        }

        if (await db.FailureModes.AnyAsync(m => m.Key == key, cancellationToken))
        {
            return Result<int>.Fail($"The key “{key}” is taken (perhaps by a retired mode). Keys never change, so choose another.");
        }

        var lastSibling = await db.FailureModes.Where(m => m.ParentId == request.ParentId).MaxAsync(m => (int?)m.SortOrder, cancellationToken);
        var mode = new FailureMode
        {
            Key = key,
            Name = name,
            Description = description,
            ParentId = request.ParentId,
            SortOrder = (lastSibling ?? await db.FailureModes.MaxAsync(m => (int?)m.SortOrder, cancellationToken) ?? -1) + 1,
        };
        db.FailureModes.Add(mode);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Result<int>.Fail($"The key “{key}” was just taken. Choose another.");
        }

        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry("failure_mode.created", FailureModeInput.EntityType, key,
                After: new { key, name, description, parent = parent?.Key }), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<int>.Ok(mode.Id);
    }
}
