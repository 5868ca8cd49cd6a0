using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FeedbackConsole.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class QueueIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Cases_CreatedAt",
                table: "Cases");

            migrationBuilder.DropIndex(
                name: "IX_CaseFailureModes_FailureModeId",
                table: "CaseFailureModes");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_CreatedAt_Status",
                table: "Cases",
                columns: new[] { "CreatedAt", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_HighestFlag_Status_Priority",
                table: "Cases",
                columns: new[] { "HighestFlag", "Status", "Priority" });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_ModelVersion_Status_SignalKinds",
                table: "Cases",
                columns: new[] { "ModelVersion", "Status", "SignalKinds" });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_TaskType_Status_Priority",
                table: "Cases",
                columns: new[] { "TaskType", "Status", "Priority" });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_UserRole_TaskType_Status_Priority",
                table: "Cases",
                columns: new[] { "UserRole", "TaskType", "Status", "Priority" });

            migrationBuilder.CreateIndex(
                name: "IX_CaseFailureModes_FailureModeId_CaseId",
                table: "CaseFailureModes",
                columns: new[] { "FailureModeId", "CaseId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Cases_CreatedAt_Status",
                table: "Cases");

            migrationBuilder.DropIndex(
                name: "IX_Cases_HighestFlag_Status_Priority",
                table: "Cases");

            migrationBuilder.DropIndex(
                name: "IX_Cases_ModelVersion_Status_SignalKinds",
                table: "Cases");

            migrationBuilder.DropIndex(
                name: "IX_Cases_TaskType_Status_Priority",
                table: "Cases");

            migrationBuilder.DropIndex(
                name: "IX_Cases_UserRole_TaskType_Status_Priority",
                table: "Cases");

            migrationBuilder.DropIndex(
                name: "IX_CaseFailureModes_FailureModeId_CaseId",
                table: "CaseFailureModes");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_CreatedAt",
                table: "Cases",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_CaseFailureModes_FailureModeId",
                table: "CaseFailureModes",
                column: "FailureModeId");
        }
    }
}
