using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace FeedbackConsole.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CaseStatusCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_CaseFailureModes_FailureModeId_CaseId",
                table: "CaseFailureModes");

            migrationBuilder.AddColumn<string>(
                name: "CaseStatus",
                table: "CaseFailureModes",
                type: "character varying(30)",
                maxLength: 30,
                nullable: false,
                defaultValue: "New");

            migrationBuilder.CreateTable(
                name: "CaseStatusDeltas",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ApplicationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    Delta = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CaseStatusDeltas", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CaseFailureModes_FailureModeId_CaseStatus_CaseId",
                table: "CaseFailureModes",
                columns: new[] { "FailureModeId", "CaseStatus", "CaseId" });

            // Keep CaseFailureModes.CaseStatus and the per-status deltas right whatever writes a case: triggers, not app code.
            migrationBuilder.Sql("""
                UPDATE "CaseFailureModes" m SET "CaseStatus" = c."Status" FROM "Cases" c WHERE c."Id" = m."CaseId";
                """);
            migrationBuilder.Sql("""
                INSERT INTO "CaseStatusDeltas" ("ApplicationId", "Status", "Delta")
                SELECT "ApplicationId", "Status", COUNT(*)::integer FROM "Cases" GROUP BY "ApplicationId", "Status";
                """);
            // FOR SHARE: a status change committing meanwhile is waited for and read, so the copy cannot go stale.
            migrationBuilder.Sql("""
                CREATE FUNCTION fc_case_failure_mode_status() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW."CaseStatus" := (SELECT c."Status" FROM "Cases" c WHERE c."Id" = NEW."CaseId" FOR SHARE);
                    RETURN NEW;
                END $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_CaseFailureModes_CaseStatus" BEFORE INSERT ON "CaseFailureModes"
                FOR EACH ROW EXECUTE FUNCTION fc_case_failure_mode_status();
                """);
            migrationBuilder.Sql("""
                CREATE FUNCTION fc_case_status_count() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO "CaseStatusDeltas" ("ApplicationId", "Status", "Delta") VALUES (NEW."ApplicationId", NEW."Status", 1);
                        RETURN NEW;
                    ELSIF TG_OP = 'DELETE' THEN
                        INSERT INTO "CaseStatusDeltas" ("ApplicationId", "Status", "Delta") VALUES (OLD."ApplicationId", OLD."Status", -1);
                        RETURN OLD;
                    ELSIF OLD."Status" IS DISTINCT FROM NEW."Status" OR OLD."ApplicationId" IS DISTINCT FROM NEW."ApplicationId" THEN
                        UPDATE "CaseFailureModes" SET "CaseStatus" = NEW."Status" WHERE "CaseId" = NEW."Id";
                        INSERT INTO "CaseStatusDeltas" ("ApplicationId", "Status", "Delta")
                        VALUES (OLD."ApplicationId", OLD."Status", -1), (NEW."ApplicationId", NEW."Status", 1);
                    END IF;
                    RETURN NEW;
                END $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Cases_StatusCount" AFTER INSERT OR UPDATE OF "Status", "ApplicationId" OR DELETE ON "Cases"
                FOR EACH ROW EXECUTE FUNCTION fc_case_status_count();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "TR_CaseFailureModes_CaseStatus" ON "CaseFailureModes";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "TR_Cases_StatusCount" ON "Cases";""");
            migrationBuilder.Sql("""DROP FUNCTION IF EXISTS fc_case_failure_mode_status();""");
            migrationBuilder.Sql("""DROP FUNCTION IF EXISTS fc_case_status_count();""");

            migrationBuilder.DropTable(
                name: "CaseStatusDeltas");

            migrationBuilder.DropIndex(
                name: "IX_CaseFailureModes_FailureModeId_CaseStatus_CaseId",
                table: "CaseFailureModes");

            migrationBuilder.DropColumn(
                name: "CaseStatus",
                table: "CaseFailureModes");

            migrationBuilder.CreateIndex(
                name: "IX_CaseFailureModes_FailureModeId_CaseId",
                table: "CaseFailureModes",
                columns: new[] { "FailureModeId", "CaseId" });
        }
    }
}
