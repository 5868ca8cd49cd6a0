using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace FeedbackConsole.Core.Features.Ingestion;

/// <summary>
/// The signal writer's three lookups (the application's state, the signals already stored under the group's ids, the
/// interactions the new signals point to) as plain SQL on the group's connection and transaction. They run for every
/// group, hundreds a second at saturation, inside the single SQLite writer's turn; even compiled, EF Core's query
/// pipeline cost more than the lookups (it expands a <c>Contains</c> list on every execution, bench/README.md).
/// </summary>
/// <remarks>
/// Table and column names and the key's value conversion (a Guid is upper-case text on SQLite) come from the EF model,
/// as in <see cref="BulkInsert"/>.
/// </remarks>
internal static class SignalWriterLookups
{
    private static readonly ConcurrentDictionary<Type, Statements> ByContext = new();

    /// <summary>Whether PII is redacted for the application, and whether it is archived; null when it does not exist.</summary>
    public static async Task<(bool RedactPii, bool Archived)?> ApplicationAsync(FeedbackDbContext db, Guid applicationId, CancellationToken cancellationToken)
    {
        var statements = Of(db);
        await using var command = Statements.Command(db, statements.ApplicationSql);
        statements.AddKey(command, "a", applicationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetBoolean(0), reader.GetBoolean(1)) : null;
    }

    /// <summary>The content hash of each of <paramref name="ids"/> stored for the application.</summary>
    public static Task<Dictionary<string, string>> StoredSignalsAsync(FeedbackDbContext db, Guid applicationId, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        ByExternalIdAsync(db, static s => s.SignalsSql, applicationId, ids, static reader => reader.GetString(1), cancellationToken);

    /// <summary>The stored id and end user of each of <paramref name="ids"/> (interaction ids) stored for the application.</summary>
    public static Task<Dictionary<string, (long Id, string? EndUserId)>> StoredInteractionsAsync(
        FeedbackDbContext db, Guid applicationId, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        ByExternalIdAsync(db, static s => s.InteractionsSql, applicationId, ids,
            static reader => (reader.GetInt64(1), reader.IsDBNull(2) ? (string?)null : reader.GetString(2)), cancellationToken);

    // Rows of the application whose first column (an external id) is one of `ids`, by that id.
    private static async Task<Dictionary<string, T>> ByExternalIdAsync<T>(
        FeedbackDbContext db, Func<Statements, string> prefix, Guid applicationId, IReadOnlyList<string> ids, Func<DbDataReader, T> read,
        CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, T>(StringComparer.Ordinal);
        if (ids.Count == 0)
        {
            return found;
        }

        var statements = Of(db);
        await using var command = Statements.Command(db, statements.In(prefix(statements), ids.Count));
        statements.AddKey(command, "a", applicationId);
        statements.AddIds(command, ids);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found[reader.GetString(0)] = read(reader);
        }

        return found;
    }

    private static Statements Of(FeedbackDbContext db) => ByContext.GetOrAdd(db.GetType(), static (_, db) => Statements.Build(db), db);

    private sealed record Statements(string ApplicationSql, string SignalsSql, string InteractionsSql, RelationalTypeMapping Key, RelationalTypeMapping Id, ISqlGenerationHelper Sql)
    {
        public static Statements Build(FeedbackDbContext db)
        {
            var sql = db.GetService<ISqlGenerationHelper>();
            string Table(IEntityType entity) => sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());
            string Column(IEntityType entity, string property) =>
                sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema()))!);

            var applications = db.Model.FindEntityType(typeof(Domain.Application))!;
            var signals = db.Model.FindEntityType(typeof(Signal))!;
            var interactions = db.Model.FindEntityType(typeof(Interaction))!;
            var key = sql.GenerateParameterNamePlaceholder("a");
            return new Statements(
                $"SELECT {Column(applications, nameof(Domain.Application.RedactPii))}, {Column(applications, nameof(Domain.Application.ArchivedAt))} IS NOT NULL " +
                $"FROM {Table(applications)} WHERE {Column(applications, nameof(Domain.Application.Id))} = {key}",
                $"SELECT {Column(signals, nameof(Signal.ExternalId))}, {Column(signals, nameof(Signal.ContentHash))} FROM {Table(signals)} " +
                $"WHERE {Column(signals, nameof(Signal.ApplicationId))} = {key} AND {Column(signals, nameof(Signal.ExternalId))} IN (",
                $"SELECT {Column(interactions, nameof(Interaction.ExternalId))}, {Column(interactions, nameof(Interaction.Id))}, " +
                $"{Column(interactions, nameof(Interaction.EndUserId))} FROM {Table(interactions)} " +
                $"WHERE {Column(interactions, nameof(Interaction.ApplicationId))} = {key} AND {Column(interactions, nameof(Interaction.ExternalId))} IN (",
                signals.FindProperty(nameof(Signal.ApplicationId))!.GetRelationalTypeMapping(),
                signals.FindProperty(nameof(Signal.ExternalId))!.GetRelationalTypeMapping(),
                sql);
        }

        public static DbCommand Command(FeedbackDbContext db, string text)
        {
            var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = text;
            return command;
        }

        /// <summary><paramref name="prefix"/> (ending in "IN (") with <paramref name="count"/> parameter placeholders and the closing parenthesis.</summary>
        public string In(string prefix, int count)
        {
            var text = new StringBuilder(prefix, prefix.Length + (count * 7) + 1);
            for (var i = 0; i < count; i++)
            {
                text.Append(i == 0 ? "" : ", ").Append(Sql.GenerateParameterNamePlaceholder(IdName(i)));
            }

            return text.Append(')').ToString();
        }

        public void AddKey(DbCommand command, string name, Guid value) =>
            command.Parameters.Add(Key.CreateParameter(command, Sql.GenerateParameterName(name), value, nullable: false));

        public void AddIds(DbCommand command, IReadOnlyList<string> ids)
        {
            for (var i = 0; i < ids.Count; i++)
            {
                command.Parameters.Add(Id.CreateParameter(command, Sql.GenerateParameterName(IdName(i)), ids[i], nullable: false));
            }
        }

        private static string IdName(int i) => "i" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
