using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FeedbackConsole.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EnrichmentQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "EnrichedAt",
                table: "Interactions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Interactions_EnrichedAt_Id",
                table: "Interactions",
                columns: new[] { "EnrichedAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Interactions_EnrichedAt_Id",
                table: "Interactions");

            migrationBuilder.DropColumn(
                name: "EnrichedAt",
                table: "Interactions");
        }
    }
}
