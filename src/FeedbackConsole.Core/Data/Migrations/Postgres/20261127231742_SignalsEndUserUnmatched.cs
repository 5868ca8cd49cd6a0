using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FeedbackConsole.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SignalsEndUserUnmatched : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Signals_ApplicationId_EndUserId_OccurredAt",
                table: "Signals");

            migrationBuilder.AddColumn<bool>(
                name: "EndUserUnmatched",
                table: "Signals",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // Signals already stored: those whose end user is not their interaction's (or whose interaction is not stored).
            migrationBuilder.Sql(
                """
                UPDATE "Signals" SET "EndUserUnmatched" = TRUE
                WHERE "EndUserId" IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM "Interactions" AS i
                    WHERE i."Id" = "Signals"."InteractionId" AND i."EndUserId" = "Signals"."EndUserId");
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Signals_ApplicationId_EndUserId_OccurredAt",
                table: "Signals",
                columns: new[] { "ApplicationId", "EndUserId", "OccurredAt" },
                filter: "\"EndUserUnmatched\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Signals_ApplicationId_EndUserId_OccurredAt",
                table: "Signals");

            migrationBuilder.DropColumn(
                name: "EndUserUnmatched",
                table: "Signals");

            migrationBuilder.CreateIndex(
                name: "IX_Signals_ApplicationId_EndUserId_OccurredAt",
                table: "Signals",
                columns: new[] { "ApplicationId", "EndUserId", "OccurredAt" });
        }
    }
}
