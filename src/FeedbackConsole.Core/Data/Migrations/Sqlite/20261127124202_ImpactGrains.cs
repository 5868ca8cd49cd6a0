using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FeedbackConsole.Core.Data.Migrations.Sqlite
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

            migrationBuilder.RenameColumn(
                name: "Detailed",
                table: "ImpactSignalDays",
                newName: "Grain");

            migrationBuilder.RenameIndex(
                name: "IX_ImpactSignalDays_ApplicationId_Detailed_Day",
                table: "ImpactSignalDays",
                newName: "IX_ImpactSignalDays_ApplicationId_Grain_Day");

            migrationBuilder.RenameColumn(
                name: "Detailed",
                table: "ImpactFailureModeDays",
                newName: "Grain");

            migrationBuilder.RenameIndex(
                name: "IX_ImpactFailureModeDays_ApplicationId_Detailed_Day",
                table: "ImpactFailureModeDays",
                newName: "IX_ImpactFailureModeDays_ApplicationId_Grain_Day");

            migrationBuilder.RenameColumn(
                name: "Detailed",
                table: "ImpactCaseDays",
                newName: "Grain");

            migrationBuilder.RenameIndex(
                name: "IX_ImpactCaseDays_ApplicationId_Detailed_Day",
                table: "ImpactCaseDays",
                newName: "IX_ImpactCaseDays_ApplicationId_Grain_Day");

            migrationBuilder.CreateIndex(
                name: "IX_ImpactSignalDays_ApplicationId_Grain_Channel_Day",
                table: "ImpactSignalDays",
                columns: new[] { "ApplicationId", "Grain", "Channel", "Day" });

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
                name: "IX_ImpactCaseDays_ApplicationId_Grain_Locale_Day",
                table: "ImpactCaseDays");

            migrationBuilder.DropIndex(
                name: "IX_ImpactCaseDays_ApplicationId_Grain_TaskType_Day",
                table: "ImpactCaseDays");

            migrationBuilder.DropIndex(
                name: "IX_ImpactCaseDays_ApplicationId_Grain_UserRole_Day",
                table: "ImpactCaseDays");

            migrationBuilder.RenameColumn(
                name: "Grain",
                table: "ImpactSignalDays",
                newName: "Detailed");

            migrationBuilder.RenameIndex(
                name: "IX_ImpactSignalDays_ApplicationId_Grain_Day",
                table: "ImpactSignalDays",
                newName: "IX_ImpactSignalDays_ApplicationId_Detailed_Day");

            migrationBuilder.RenameColumn(
                name: "Grain",
                table: "ImpactFailureModeDays",
                newName: "Detailed");

            migrationBuilder.RenameIndex(
                name: "IX_ImpactFailureModeDays_ApplicationId_Grain_Day",
                table: "ImpactFailureModeDays",
                newName: "IX_ImpactFailureModeDays_ApplicationId_Detailed_Day");

            migrationBuilder.RenameColumn(
                name: "Grain",
                table: "ImpactCaseDays",
                newName: "Detailed");

            migrationBuilder.RenameIndex(
                name: "IX_ImpactCaseDays_ApplicationId_Grain_Day",
                table: "ImpactCaseDays",
                newName: "IX_ImpactCaseDays_ApplicationId_Detailed_Day");
        }
    }
}
