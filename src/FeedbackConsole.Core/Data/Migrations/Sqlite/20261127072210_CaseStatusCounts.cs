using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FeedbackConsole.Core.Data.Migrations.Sqlite
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
                type: "TEXT",
                maxLength: 30,
                nullable: false,
                defaultValue: "New");

            migrationBuilder.CreateTable(
                name: "CaseStatusDeltas",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ApplicationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Delta = table.Column<int>(type: "INTEGER", nullable: false)
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
                UPDATE "CaseFailureModes" SET "CaseStatus" = (SELECT c."Status" FROM "Cases" c WHERE c."Id" = "CaseFailureModes"."CaseId");
                """);
            migrationBuilder.Sql("""
                INSERT INTO "CaseStatusDeltas" ("ApplicationId", "Status", "Delta")
                SELECT "ApplicationId", "Status", COUNT(*) FROM "Cases" GROUP BY "ApplicationId", "Status";
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_CaseFailureModes_CaseStatus" AFTER INSERT ON "CaseFailureModes"
                BEGIN
                    UPDATE "CaseFailureModes" SET "CaseStatus" = (SELECT c."Status" FROM "Cases" c WHERE c."Id" = NEW."CaseId")
                    WHERE "CaseId" = NEW."CaseId" AND "FailureModeId" = NEW."FailureModeId";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Cases_StatusCount_Insert" AFTER INSERT ON "Cases"
                BEGIN
                    INSERT INTO "CaseStatusDeltas" ("ApplicationId", "Status", "Delta") VALUES (NEW."ApplicationId", NEW."Status", 1);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Cases_StatusCount_Update" AFTER UPDATE OF "Status", "ApplicationId" ON "Cases"
                WHEN OLD."Status" <> NEW."Status" OR OLD."ApplicationId" <> NEW."ApplicationId"
                BEGIN
                    UPDATE "CaseFailureModes" SET "CaseStatus" = NEW."Status" WHERE "CaseId" = NEW."Id";
                    INSERT INTO "CaseStatusDeltas" ("ApplicationId", "Status", "Delta") VALUES (OLD."ApplicationId", OLD."Status", -1);
                    INSERT INTO "CaseStatusDeltas" ("ApplicationId", "Status", "Delta") VALUES (NEW."ApplicationId", NEW."Status", 1);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Cases_StatusCount_Delete" AFTER DELETE ON "Cases"
                BEGIN
                    INSERT INTO "CaseStatusDeltas" ("ApplicationId", "Status", "Delta") VALUES (OLD."ApplicationId", OLD."Status", -1);
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "TR_CaseFailureModes_CaseStatus";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "TR_Cases_StatusCount_Insert";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "TR_Cases_StatusCount_Update";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "TR_Cases_StatusCount_Delete";""");

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
