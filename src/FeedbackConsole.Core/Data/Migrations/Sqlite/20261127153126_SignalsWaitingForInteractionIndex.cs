using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FeedbackConsole.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SignalsWaitingForInteractionIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Signals_ApplicationId_InteractionExternalId",
                table: "Signals");

            migrationBuilder.CreateIndex(
                name: "IX_Signals_ApplicationId_InteractionExternalId",
                table: "Signals",
                columns: new[] { "ApplicationId", "InteractionExternalId" },
                filter: "\"InteractionId\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Signals_ApplicationId_InteractionExternalId",
                table: "Signals");

            migrationBuilder.CreateIndex(
                name: "IX_Signals_ApplicationId_InteractionExternalId",
                table: "Signals",
                columns: new[] { "ApplicationId", "InteractionExternalId" });
        }
    }
}
