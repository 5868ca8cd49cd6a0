using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FeedbackConsole.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ImpactGrains : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The rollups are derived data. Rather than convert rows to the new grains, empty them and drop the
            // watermarks: the rollup worker then rebuilds every day from the raw signals and cases on its next pass.
            migrationBuilder.Sql("DELETE FROM \"ImpactSignalDays\";");
            migrationBuilder.Sql("DELETE FROM \"ImpactFailureModeDays\";");
            migrationBuilder.Sql("DELETE FROM \"ImpactCaseDays\";");
            migrationBuilder.Sql("DELETE FROM \"ImpactEntryDays\";");
            migrationBuilder.Sql("DELETE FROM \"ImpactWatermarks\";");

            migrationBuilder.DropIndex(
                name: "IX_ImpactSignalDays_ApplicationId_Detailed_Day",
                table: "ImpactSignalDays");

            migrationBuilder.DropIndex(
                name: "IX_ImpactFailureModeDays_ApplicationId_Detailed_Day",
                table: "ImpactFailureModeDays");

            migrationBuilder.DropIndex(
                name: "IX_ImpactCaseDays_ApplicationId_Detailed_Day",
                table: "ImpactCaseDays");

            migrationBuilder.DropColumn(
                name: "Detailed",
                table: "ImpactSignalDays");

            migrationBuilder.DropColumn(
                name: "Detailed",
                table: "ImpactFailureModeDays");

            migrationBuilder.DropColumn(
                name: "Detailed",
                table: "ImpactCaseDays");

            migrationBuilder.AddColumn<int>(
                name: "Grain",
                table: "ImpactSignalDays",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Grain",
                table: "ImpactFailureModeDays",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Grain",
                table: "ImpactCaseDays",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_ImpactSignalDays_ApplicationId_Grain_Channel_Day",
                table: "ImpactSignalDays",
                columns: new[] { "ApplicationId", "Grain", "Channel", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactSignalDays_ApplicationId_Grain_Day",
                table: "ImpactSignalDays",
                columns: new[] { "ApplicationId", "Grain", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactSignalDays_ApplicationId_Grain_Locale_Day",
                table: "ImpactSignalDays",
                columns: new[] { "ApplicationId", "Grain", "Locale", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactSignalDays_ApplicationId_Grain_TaskType_Day",
                table: "ImpactSignalDays",
                columns: new[] { "ApplicationId", "Grain", "TaskType", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactSignalDays_ApplicationId_Grain_UserRole_Day",
                table: "ImpactSignalDays",
                columns: new[] { "ApplicationId", "Grain", "UserRole", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactFailureModeDays_ApplicationId_Grain_Channel_Day",
                table: "ImpactFailureModeDays",
                columns: new[] { "ApplicationId", "Grain", "Channel", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactFailureModeDays_ApplicationId_Grain_Day",
                table: "ImpactFailureModeDays",
                columns: new[] { "ApplicationId", "Grain", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactFailureModeDays_ApplicationId_Grain_Locale_Day",
                table: "ImpactFailureModeDays",
                columns: new[] { "ApplicationId", "Grain", "Locale", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactFailureModeDays_ApplicationId_Grain_TaskType_Day",
                table: "ImpactFailureModeDays",
                columns: new[] { "ApplicationId", "Grain", "TaskType", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactFailureModeDays_ApplicationId_Grain_UserRole_Day",
                table: "ImpactFailureModeDays",
                columns: new[] { "ApplicationId", "Grain", "UserRole", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactCaseDays_ApplicationId_Grain_Channel_Day",
                table: "ImpactCaseDays",
                columns: new[] { "ApplicationId", "Grain", "Channel", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactCaseDays_ApplicationId_Grain_Day",
                table: "ImpactCaseDays",
                columns: new[] { "ApplicationId", "Grain", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactCaseDays_ApplicationId_Grain_Locale_Day",
                table: "ImpactCaseDays",
                columns: new[] { "ApplicationId", "Grain", "Locale", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactCaseDays_ApplicationId_Grain_TaskType_Day",
                table: "ImpactCaseDays",
                columns: new[] { "ApplicationId", "Grain", "TaskType", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactCaseDays_ApplicationId_Grain_UserRole_Day",
                table: "ImpactCaseDays",
                columns: new[] { "ApplicationId", "Grain", "UserRole", "Day" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ImpactSignalDays_ApplicationId_Grain_Channel_Day",
                table: "ImpactSignalDays");

            migrationBuilder.DropIndex(
                name: "IX_ImpactSignalDays_ApplicationId_Grain_Day",
                table: "ImpactSignalDays");

            migrationBuilder.DropIndex(
                name: "IX_ImpactSignalDays_ApplicationId_Grain_Locale_Day",
                table: "ImpactSignalDays");

            migrationBuilder.DropIndex(
                name: "IX_ImpactSignalDays_ApplicationId_Grain_TaskType_Day",
                table: "ImpactSignalDays");

            migrationBuilder.DropIndex(
                name: "IX_ImpactSignalDays_ApplicationId_Grain_UserRole_Day",
                table: "ImpactSignalDays");

            migrationBuilder.DropIndex(
                name: "IX_ImpactFailureModeDays_ApplicationId_Grain_Channel_Day",
                table: "ImpactFailureModeDays");

            migrationBuilder.DropIndex(
                name: "IX_ImpactFailureModeDays_ApplicationId_Grain_Day",
                table: "ImpactFailureModeDays");

            migrationBuilder.DropIndex(
                name: "IX_ImpactFailureModeDays_ApplicationId_Grain_Locale_Day",
                table: "ImpactFailureModeDays");

            migrationBuilder.DropIndex(
                name: "IX_ImpactFailureModeDays_ApplicationId_Grain_TaskType_Day",
                table: "ImpactFailureModeDays");

            migrationBuilder.DropIndex(
                name: "IX_ImpactFailureModeDays_ApplicationId_Grain_UserRole_Day",
                table: "ImpactFailureModeDays");

            migrationBuilder.DropIndex(
                name: "IX_ImpactCaseDays_ApplicationId_Grain_Channel_Day",
                table: "ImpactCaseDays");

            migrationBuilder.DropIndex(
                name: "IX_ImpactCaseDays_ApplicationId_Grain_Day",
                table: "ImpactCaseDays");

            migrationBuilder.DropIndex(
                name: "IX_ImpactCaseDays_ApplicationId_Grain_Locale_Day",
                table: "ImpactCaseDays");

            migrationBuilder.DropIndex(
                name: "IX_ImpactCaseDays_ApplicationId_Grain_TaskType_Day",
                table: "ImpactCaseDays");

            migrationBuilder.DropIndex(
                name: "IX_ImpactCaseDays_ApplicationId_Grain_UserRole_Day",
                table: "ImpactCaseDays");

            migrationBuilder.DropColumn(
                name: "Grain",
                table: "ImpactSignalDays");

            migrationBuilder.DropColumn(
                name: "Grain",
                table: "ImpactFailureModeDays");

            migrationBuilder.DropColumn(
                name: "Grain",
                table: "ImpactCaseDays");

            migrationBuilder.AddColumn<bool>(
                name: "Detailed",
                table: "ImpactSignalDays",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "Detailed",
                table: "ImpactFailureModeDays",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "Detailed",
                table: "ImpactCaseDays",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_ImpactSignalDays_ApplicationId_Detailed_Day",
                table: "ImpactSignalDays",
                columns: new[] { "ApplicationId", "Detailed", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactFailureModeDays_ApplicationId_Detailed_Day",
                table: "ImpactFailureModeDays",
                columns: new[] { "ApplicationId", "Detailed", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactCaseDays_ApplicationId_Detailed_Day",
                table: "ImpactCaseDays",
                columns: new[] { "ApplicationId", "Detailed", "Day" });
        }
    }
}
