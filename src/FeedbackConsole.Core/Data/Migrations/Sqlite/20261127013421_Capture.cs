using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FeedbackConsole.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Capture : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "RedactPii",
                table: "Applications",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "ApiKeys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ApplicationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Prefix = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AllowedOrigins = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedByUserId = table.Column<string>(type: "TEXT", nullable: true),
                    LastUsedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiKeys", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ApiKeys_Applications_ApplicationId",
                        column: x => x.ApplicationId,
                        principalTable: "Applications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FailureModes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    ParentId = table.Column<int>(type: "INTEGER", nullable: true),
                    SortOrder = table.Column<int>(type: "INTEGER", nullable: false),
                    RetiredAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FailureModes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FailureModes_FailureModes_ParentId",
                        column: x => x.ParentId,
                        principalTable: "FailureModes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Interactions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ApplicationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ConversationId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    EndUserId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    EndUserEmail = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    UserRole = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    TaskType = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Locale = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    AppVersion = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Input = table.Column<string>(type: "TEXT", nullable: false),
                    Output = table.Column<string>(type: "TEXT", nullable: false),
                    ModelVersion = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    PromptVersion = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    KnowledgeBase = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    KnowledgeBaseVersion = table.Column<int>(type: "INTEGER", nullable: true),
                    UsedEntryIds = table.Column<string>(type: "TEXT", nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Metadata = table.Column<string>(type: "TEXT", nullable: true),
                    ContentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RedactionCount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Interactions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Interactions_Applications_ApplicationId",
                        column: x => x.ApplicationId,
                        principalTable: "Applications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FailureModeRules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FailureModeId = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Dimension = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Flag = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    MaxRating = table.Column<int>(type: "INTEGER", nullable: true),
                    ThumbUp = table.Column<bool>(type: "INTEGER", nullable: true),
                    TextPattern = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Weight = table.Column<double>(type: "REAL", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FailureModeRules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FailureModeRules_FailureModes_FailureModeId",
                        column: x => x.FailureModeId,
                        principalTable: "FailureModes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Cases",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ApplicationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InteractionId = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Priority = table.Column<double>(type: "REAL", nullable: false),
                    SignalCount = table.Column<int>(type: "INTEGER", nullable: false),
                    NegativeCount = table.Column<int>(type: "INTEGER", nullable: false),
                    HasCorrection = table.Column<bool>(type: "INTEGER", nullable: false),
                    HighestFlag = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    FirstSignalAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSignalAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Cases", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Cases_Applications_ApplicationId",
                        column: x => x.ApplicationId,
                        principalTable: "Applications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Cases_Interactions_InteractionId",
                        column: x => x.InteractionId,
                        principalTable: "Interactions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Signals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ApplicationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    InteractionExternalId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    InteractionId = table.Column<long>(type: "INTEGER", nullable: true),
                    EndUserId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ThumbUp = table.Column<bool>(type: "INTEGER", nullable: true),
                    Rating = table.Column<int>(type: "INTEGER", nullable: true),
                    DwellMilliseconds = table.Column<int>(type: "INTEGER", nullable: true),
                    Dimension = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Flag = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Text = table.Column<string>(type: "TEXT", nullable: true),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Metadata = table.Column<string>(type: "TEXT", nullable: true),
                    ContentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RedactionCount = table.Column<int>(type: "INTEGER", nullable: false),
                    IsDerived = table.Column<bool>(type: "INTEGER", nullable: false),
                    EnrichedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Signals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Signals_Applications_ApplicationId",
                        column: x => x.ApplicationId,
                        principalTable: "Applications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Signals_Interactions_InteractionId",
                        column: x => x.InteractionId,
                        principalTable: "Interactions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "CaseFailureModes",
                columns: table => new
                {
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    FailureModeId = table.Column<int>(type: "INTEGER", nullable: false),
                    Confirmed = table.Column<bool>(type: "INTEGER", nullable: false),
                    RuleId = table.Column<int>(type: "INTEGER", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Score = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CaseFailureModes", x => new { x.CaseId, x.FailureModeId });
                    table.ForeignKey(
                        name: "FK_CaseFailureModes_Cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "Cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CaseFailureModes_FailureModes_FailureModeId",
                        column: x => x.FailureModeId,
                        principalTable: "FailureModes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_ApplicationId",
                table: "ApiKeys",
                column: "ApplicationId");

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_Hash",
                table: "ApiKeys",
                column: "Hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CaseFailureModes_FailureModeId",
                table: "CaseFailureModes",
                column: "FailureModeId");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_ApplicationId_Status_Priority",
                table: "Cases",
                columns: new[] { "ApplicationId", "Status", "Priority" });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_InteractionId",
                table: "Cases",
                column: "InteractionId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FailureModeRules_FailureModeId",
                table: "FailureModeRules",
                column: "FailureModeId");

            migrationBuilder.CreateIndex(
                name: "IX_FailureModes_Key",
                table: "FailureModes",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FailureModes_ParentId",
                table: "FailureModes",
                column: "ParentId");

            migrationBuilder.CreateIndex(
                name: "IX_Interactions_ApplicationId_ConversationId_OccurredAt",
                table: "Interactions",
                columns: new[] { "ApplicationId", "ConversationId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Interactions_ApplicationId_ExternalId",
                table: "Interactions",
                columns: new[] { "ApplicationId", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Interactions_ApplicationId_OccurredAt",
                table: "Interactions",
                columns: new[] { "ApplicationId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Signals_ApplicationId_ExternalId",
                table: "Signals",
                columns: new[] { "ApplicationId", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Signals_ApplicationId_InteractionExternalId",
                table: "Signals",
                columns: new[] { "ApplicationId", "InteractionExternalId" });

            migrationBuilder.CreateIndex(
                name: "IX_Signals_ApplicationId_OccurredAt_Kind",
                table: "Signals",
                columns: new[] { "ApplicationId", "OccurredAt", "Kind" });

            migrationBuilder.CreateIndex(
                name: "IX_Signals_EnrichedAt_Id",
                table: "Signals",
                columns: new[] { "EnrichedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Signals_InteractionId",
                table: "Signals",
                column: "InteractionId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ApiKeys");

            migrationBuilder.DropTable(
                name: "CaseFailureModes");

            migrationBuilder.DropTable(
                name: "FailureModeRules");

            migrationBuilder.DropTable(
                name: "Signals");

            migrationBuilder.DropTable(
                name: "Cases");

            migrationBuilder.DropTable(
                name: "FailureModes");

            migrationBuilder.DropTable(
                name: "Interactions");

            migrationBuilder.DropColumn(
                name: "RedactPii",
                table: "Applications");
        }
    }
}
