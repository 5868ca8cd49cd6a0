using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace FeedbackConsole.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ImpactRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ImpactCaseDays",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ApplicationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Detailed = table.Column<bool>(type: "boolean", nullable: false),
                    Measure = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Bucket = table.Column<int>(type: "integer", nullable: false),
                    UserRole = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    TaskType = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Channel = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Locale = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ModelVersion = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PromptVersion = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Cases = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImpactCaseDays", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ImpactEntryDays",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ApplicationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    EntryId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Signals = table.Column<int>(type: "integer", nullable: false),
                    Positive = table.Column<int>(type: "integer", nullable: false),
                    Negative = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImpactEntryDays", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ImpactFailureModeDays",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ApplicationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Detailed = table.Column<bool>(type: "boolean", nullable: false),
                    FailureModeId = table.Column<int>(type: "integer", nullable: false),
                    UserRole = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    TaskType = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Channel = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Locale = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ModelVersion = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PromptVersion = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Signals = table.Column<int>(type: "integer", nullable: false),
                    Positive = table.Column<int>(type: "integer", nullable: false),
                    Negative = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImpactFailureModeDays", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ImpactSegmentValues",
                columns: table => new
                {
                    ApplicationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Dimension = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Value = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImpactSegmentValues", x => new { x.ApplicationId, x.Dimension, x.Value });
                });

            migrationBuilder.CreateTable(
                name: "ImpactSignalDays",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ApplicationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Detailed = table.Column<bool>(type: "boolean", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    UserRole = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    TaskType = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Channel = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Locale = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ModelVersion = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PromptVersion = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Signals = table.Column<int>(type: "integer", nullable: false),
                    Positive = table.Column<int>(type: "integer", nullable: false),
                    Negative = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImpactSignalDays", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ImpactWatermarks",
                columns: table => new
                {
                    Stream = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImpactWatermarks", x => x.Stream);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_ApplicationId_CreatedAt",
                table: "Notifications",
                columns: new[] { "ApplicationId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_CaseId",
                table: "Notifications",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_UpdatedAt_Id",
                table: "Cases",
                columns: new[] { "UpdatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactCaseDays_ApplicationId_Detailed_Day",
                table: "ImpactCaseDays",
                columns: new[] { "ApplicationId", "Detailed", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactEntryDays_ApplicationId_Day",
                table: "ImpactEntryDays",
                columns: new[] { "ApplicationId", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactEntryDays_EntryId_Day",
                table: "ImpactEntryDays",
                columns: new[] { "EntryId", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactFailureModeDays_ApplicationId_Detailed_Day",
                table: "ImpactFailureModeDays",
                columns: new[] { "ApplicationId", "Detailed", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_ImpactSignalDays_ApplicationId_Detailed_Day",
                table: "ImpactSignalDays",
                columns: new[] { "ApplicationId", "Detailed", "Day" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ImpactCaseDays");

            migrationBuilder.DropTable(
                name: "ImpactEntryDays");

            migrationBuilder.DropTable(
                name: "ImpactFailureModeDays");

            migrationBuilder.DropTable(
                name: "ImpactSegmentValues");

            migrationBuilder.DropTable(
                name: "ImpactSignalDays");

            migrationBuilder.DropTable(
                name: "ImpactWatermarks");

            migrationBuilder.DropIndex(
                name: "IX_Notifications_ApplicationId_CreatedAt",
                table: "Notifications");

            migrationBuilder.DropIndex(
                name: "IX_Notifications_CaseId",
                table: "Notifications");

            migrationBuilder.DropIndex(
                name: "IX_Cases_UpdatedAt_Id",
                table: "Cases");
        }
    }
}
