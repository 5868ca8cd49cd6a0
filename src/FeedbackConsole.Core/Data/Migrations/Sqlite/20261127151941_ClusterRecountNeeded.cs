using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FeedbackConsole.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ClusterRecountNeeded : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "RecountNeeded",
                table: "CaseClusters",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_CaseClusters_RecountNeeded",
                table: "CaseClusters",
                column: "RecountNeeded",
                filter: "\"RecountNeeded\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_CaseClusters_RecountNeeded",
                table: "CaseClusters");

            migrationBuilder.DropColumn(
                name: "RecountNeeded",
                table: "CaseClusters");
        }
    }
}
