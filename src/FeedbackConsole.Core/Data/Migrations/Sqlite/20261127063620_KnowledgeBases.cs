using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FeedbackConsole.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class KnowledgeBases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DomainEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Type = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ApplicationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Payload = table.Column<string>(type: "TEXT", maxLength: 16000, nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ProcessedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DomainEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "EntryServingTallies",
                columns: table => new
                {
                    ReleaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EntryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Hour = table.Column<long>(type: "INTEGER", nullable: false),
                    RevisionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    KnowledgeBaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ApplicationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EntryServingTallies", x => new { x.ReleaseId, x.EntryId, x.Hour });
                });

            migrationBuilder.CreateTable(
                name: "KnowledgeBases",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ApplicationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    GateK = table.Column<int>(type: "INTEGER", nullable: false),
                    MinRecallAtK = table.Column<double>(type: "REAL", nullable: true),
                    MinMrr = table.Column<double>(type: "REAL", nullable: true),
                    MinPassRate = table.Column<double>(type: "REAL", nullable: true),
                    MaxRegressions = table.Column<int>(type: "INTEGER", nullable: false),
                    LiveReleaseId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ShadowReleaseId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ArchivedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KnowledgeBases", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KnowledgeBases_Applications_ApplicationId",
                        column: x => x.ApplicationId,
                        principalTable: "Applications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "EvalCases",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    KnowledgeBaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Query = table.Column<string>(type: "TEXT", maxLength: 32000, nullable: true),
                    ExpectedEntryIds = table.Column<string>(type: "TEXT", nullable: false),
                    ExpectedText = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    TaskType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Output = table.Column<string>(type: "TEXT", maxLength: 32000, nullable: true),
                    ExpectViolation = table.Column<bool>(type: "INTEGER", nullable: true),
                    SourceCaseId = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ArchivedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvalCases", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EvalCases_KnowledgeBases_KnowledgeBaseId",
                        column: x => x.KnowledgeBaseId,
                        principalTable: "KnowledgeBases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "KnowledgeEntries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    KnowledgeBaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    ApprovedRevisionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    IsRetired = table.Column<bool>(type: "INTEGER", nullable: false),
                    LatestRevisionNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KnowledgeEntries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KnowledgeEntries_KnowledgeBases_KnowledgeBaseId",
                        column: x => x.KnowledgeBaseId,
                        principalTable: "KnowledgeBases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Releases",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    KnowledgeBaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Gate = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    LatestGateRunId = table.Column<Guid>(type: "TEXT", nullable: true),
                    BaseReleaseId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Notes = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    EntryCount = table.Column<int>(type: "INTEGER", nullable: false),
                    AddedCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ChangedCount = table.Column<int>(type: "INTEGER", nullable: false),
                    RetiredCount = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    OverrideReason = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    OverriddenById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    OverriddenAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ShadowAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LiveAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Releases", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Releases_KnowledgeBases_KnowledgeBaseId",
                        column: x => x.KnowledgeBaseId,
                        principalTable: "KnowledgeBases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "EntryRevisions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    EntryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    KnowledgeBaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    Change = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Content = table.Column<string>(type: "TEXT", maxLength: 32000, nullable: false),
                    Input = table.Column<string>(type: "TEXT", maxLength: 32000, nullable: true),
                    TaskType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    FailureModeKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    GuardType = table.Column<string>(type: "TEXT", maxLength: 30, nullable: true),
                    GuardMessage = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    BasedOnRevisionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    AuthorId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReviewerId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    ReviewedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ReviewComment = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EntryRevisions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EntryRevisions_KnowledgeEntries_EntryId",
                        column: x => x.EntryId,
                        principalTable: "KnowledgeEntries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "GateRuns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReleaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    KnowledgeBaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BaselineReleaseId = table.Column<Guid>(type: "TEXT", nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    TotalCases = table.Column<int>(type: "INTEGER", nullable: false),
                    CompletedCases = table.Column<int>(type: "INTEGER", nullable: false),
                    K = table.Column<int>(type: "INTEGER", nullable: false),
                    CandidateRecallAtK = table.Column<double>(type: "REAL", nullable: true),
                    CandidateMrr = table.Column<double>(type: "REAL", nullable: true),
                    CandidatePassRate = table.Column<double>(type: "REAL", nullable: true),
                    BaselineRecallAtK = table.Column<double>(type: "REAL", nullable: true),
                    BaselineMrr = table.Column<double>(type: "REAL", nullable: true),
                    BaselinePassRate = table.Column<double>(type: "REAL", nullable: true),
                    RegressionCount = table.Column<int>(type: "INTEGER", nullable: false),
                    FixCount = table.Column<int>(type: "INTEGER", nullable: false),
                    UnfixedCorrectionCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Passed = table.Column<bool>(type: "INTEGER", nullable: true),
                    FailureReasons = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    StartedById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GateRuns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_GateRuns_Releases_ReleaseId",
                        column: x => x.ReleaseId,
                        principalTable: "Releases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ReleaseEntries",
                columns: table => new
                {
                    ReleaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EntryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RevisionId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReleaseEntries", x => new { x.ReleaseId, x.EntryId });
                    table.ForeignKey(
                        name: "FK_ReleaseEntries_Releases_ReleaseId",
                        column: x => x.ReleaseId,
                        principalTable: "Releases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RevisionSources",
                columns: table => new
                {
                    RevisionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    SignalId = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RevisionSources", x => new { x.RevisionId, x.CaseId });
                    table.ForeignKey(
                        name: "FK_RevisionSources_Cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "Cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_RevisionSources_EntryRevisions_RevisionId",
                        column: x => x.RevisionId,
                        principalTable: "EntryRevisions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "GateCaseResults",
                columns: table => new
                {
                    GateRunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EvalCaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BaselinePassed = table.Column<bool>(type: "INTEGER", nullable: false),
                    CandidatePassed = table.Column<bool>(type: "INTEGER", nullable: false),
                    BaselineRank = table.Column<int>(type: "INTEGER", nullable: true),
                    CandidateRank = table.Column<int>(type: "INTEGER", nullable: true),
                    IsRegression = table.Column<bool>(type: "INTEGER", nullable: false),
                    IsFix = table.Column<bool>(type: "INTEGER", nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GateCaseResults", x => new { x.GateRunId, x.EvalCaseId });
                    table.ForeignKey(
                        name: "FK_GateCaseResults_GateRuns_GateRunId",
                        column: x => x.GateRunId,
                        principalTable: "GateRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "GateCorrectionResults",
                columns: table => new
                {
                    GateRunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RevisionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    Fixed = table.Column<bool>(type: "INTEGER", nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GateCorrectionResults", x => new { x.GateRunId, x.RevisionId, x.CaseId });
                    table.ForeignKey(
                        name: "FK_GateCorrectionResults_GateRuns_GateRunId",
                        column: x => x.GateRunId,
                        principalTable: "GateRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DomainEvents_ProcessedAt_Id",
                table: "DomainEvents",
                columns: new[] { "ProcessedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_EntryRevisions_EntryId_Number",
                table: "EntryRevisions",
                columns: new[] { "EntryId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EntryRevisions_KnowledgeBaseId_State_CreatedAt",
                table: "EntryRevisions",
                columns: new[] { "KnowledgeBaseId", "State", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_EntryServingTallies_ApplicationId_Hour",
                table: "EntryServingTallies",
                columns: new[] { "ApplicationId", "Hour" });

            migrationBuilder.CreateIndex(
                name: "IX_EntryServingTallies_RevisionId_Hour",
                table: "EntryServingTallies",
                columns: new[] { "RevisionId", "Hour" });

            migrationBuilder.CreateIndex(
                name: "IX_EvalCases_KnowledgeBaseId_ArchivedAt",
                table: "EvalCases",
                columns: new[] { "KnowledgeBaseId", "ArchivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_GateRuns_ReleaseId_StartedAt",
                table: "GateRuns",
                columns: new[] { "ReleaseId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_KnowledgeBases_ApplicationId_Key",
                table: "KnowledgeBases",
                columns: new[] { "ApplicationId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_KnowledgeEntries_KnowledgeBaseId_UpdatedAt",
                table: "KnowledgeEntries",
                columns: new[] { "KnowledgeBaseId", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ReleaseEntries_RevisionId",
                table: "ReleaseEntries",
                column: "RevisionId");

            migrationBuilder.CreateIndex(
                name: "IX_Releases_KnowledgeBaseId_Number",
                table: "Releases",
                columns: new[] { "KnowledgeBaseId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RevisionSources_CaseId",
                table: "RevisionSources",
                column: "CaseId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DomainEvents");

            migrationBuilder.DropTable(
                name: "EntryServingTallies");

            migrationBuilder.DropTable(
                name: "EvalCases");

            migrationBuilder.DropTable(
                name: "GateCaseResults");

            migrationBuilder.DropTable(
                name: "GateCorrectionResults");

            migrationBuilder.DropTable(
                name: "ReleaseEntries");

            migrationBuilder.DropTable(
                name: "RevisionSources");

            migrationBuilder.DropTable(
                name: "GateRuns");

            migrationBuilder.DropTable(
                name: "EntryRevisions");

            migrationBuilder.DropTable(
                name: "Releases");

            migrationBuilder.DropTable(
                name: "KnowledgeEntries");

            migrationBuilder.DropTable(
                name: "KnowledgeBases");
        }
    }
}
