using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using FeedbackConsole.Core.Domain;

namespace FeedbackConsole.Core.Features.Releases.EvalSuites;

public enum EvalSuiteFormat
{
    Csv,
    Jsonl,
}

/// <summary>One row of an imported file, as written (expected entries by id or exact title, resolved on import).</summary>
public sealed record EvalFileRow(
    int Line, EvalCaseKind? Kind, string? Name, string? Query, IReadOnlyList<string> ExpectedEntries, string? ExpectedText, string? TaskType,
    string? Output, bool? ExpectViolation);

/// <summary>A row that cannot be imported: the line it starts on and why, in words.</summary>
public sealed record EvalFileError(int Line, string Message);

/// <summary>
/// The eval-suite file formats (README, "Eval suites"). CSV: a header row naming any of <see cref="Columns"/>, one case
/// per record (RFC 4180 quoting; multi-line fields allowed). JSONL: one JSON object per line with the camelCase names
/// of the same fields (<c>expectedEntries</c> an array of strings). <c>kind</c> is <c>retrieval</c> or <c>guard</c>
/// (blank: the knowledge base's kind); <c>expected_entries</c> lists entry ids or exact titles separated by <c>;</c>;
/// <c>expect_violation</c> is <c>true</c> (must be caught) or <c>false</c> (must pass).
/// </summary>
public static class EvalSuiteFile
{
    public static readonly IReadOnlyList<string> Columns = ["kind", "name", "query", "expected_entries", "expected_text", "task_type", "output", "expect_violation"];

    private static readonly Dictionary<string, string> JsonNames = new(StringComparer.Ordinal)
    {
        ["kind"] = "kind", ["name"] = "name", ["query"] = "query", ["expectedEntries"] = "expected_entries", ["expectedText"] = "expected_text",
        ["taskType"] = "task_type", ["output"] = "output", ["expectViolation"] = "expect_violation",
    };

    public static (List<EvalFileRow> Rows, List<EvalFileError> Errors) Parse(string text, EvalSuiteFormat format) =>
        format == EvalSuiteFormat.Csv ? ParseCsv(text) : ParseJsonl(text);

    public static string Write(IEnumerable<EvalCase> cases, EvalSuiteFormat format)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        if (format == EvalSuiteFormat.Csv)
        {
            using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
            foreach (var column in Columns)
            {
                csv.WriteField(column);
            }

            csv.NextRecord();
            foreach (var c in cases)
            {
                csv.WriteField(KindName(c.Kind));
                csv.WriteField(c.Name);
                csv.WriteField(c.Query ?? "");
                csv.WriteField(string.Join(";", c.ExpectedEntryIds.Select(id => id.ToString("D"))));
                csv.WriteField(c.ExpectedText ?? "");
                csv.WriteField(c.TaskType ?? "");
                csv.WriteField(c.Output ?? "");
                csv.WriteField(c.ExpectViolation is { } v ? (v ? "true" : "false") : "");
                csv.NextRecord();
            }

            csv.Flush();
            return writer.ToString();
        }

        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
        foreach (var c in cases)
        {
            writer.Write(JsonSerializer.Serialize(new
            {
                kind = KindName(c.Kind),
                name = c.Name,
                query = c.Query,
                expectedEntries = c.ExpectedEntryIds.Count == 0 ? null : c.ExpectedEntryIds.Select(id => id.ToString("D")).ToList(),
                expectedText = c.ExpectedText,
                taskType = c.TaskType,
                output = c.Output,
                expectViolation = c.ExpectViolation,
            }, json));
            writer.Write('\n');
        }

        return writer.ToString();
    }

    private static string KindName(EvalCaseKind kind) => kind == EvalCaseKind.Guard ? "guard" : "retrieval";

    private static (List<EvalFileRow>, List<EvalFileError>) ParseCsv(string text)
    {
        var rows = new List<EvalFileRow>();
        var errors = new List<EvalFileError>();
        var bad = new HashSet<int>();
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = true,
            MissingFieldFound = null,
            HeaderValidated = null,
            TrimOptions = TrimOptions.None,
            BadDataFound = args => bad.Add(args.Context.Parser?.RawRow ?? 0),
        };
        using var reader = new StringReader(text);
        using var csv = new CsvReader(reader, config);
        try
        {
            if (!csv.Read())
            {
                errors.Add(new EvalFileError(1, "The file is empty: the first line must name the columns, e.g. " + string.Join(",", Columns) + "."));
                return (rows, errors);
            }

            csv.ReadHeader();
            var header = (csv.HeaderRecord ?? []).Select(h => h.Trim().ToLowerInvariant()).ToList();
            var unknown = header.Where(h => !Columns.Contains(h)).ToList();
            if (unknown.Count > 0)
            {
                errors.Add(new EvalFileError(1, $"Unknown column{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown.Select(u => $"“{u}”"))}; the columns are {string.Join(", ", Columns)}."));
                return (rows, errors);
            }

            var lastLine = csv.Parser.RawRow;
            while (csv.Read())
            {
                var line = lastLine + 1;
                lastLine = csv.Parser.RawRow;
                var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
                for (var i = 0; i < header.Count; i++)
                {
                    fields[header[i]] = csv.TryGetField<string>(i, out var value) ? value : null;
                }

                if (fields.Values.All(string.IsNullOrWhiteSpace))
                {
                    continue;
                }

                if (bad.Contains(lastLine))
                {
                    errors.Add(new EvalFileError(line, "A quote is out of place: a field that holds quotes, commas or line breaks must be quoted, with inner quotes doubled."));
                    continue;
                }

                if (csv.Parser.Count > header.Count)
                {
                    errors.Add(new EvalFileError(line, $"This row has {csv.Parser.Count} fields but the header names {header.Count} columns."));
                    continue;
                }

                AddRow(rows, errors, line, fields);
            }
        }
        catch (CsvHelperException e)
        {
            errors.Add(new EvalFileError(e.Context?.Parser?.RawRow ?? 0, "The file is not valid CSV from here on: " + e.Message.Split('\n')[0]));
        }

        return (rows, errors);
    }

    private static (List<EvalFileRow>, List<EvalFileError>) ParseJsonl(string text)
    {
        var rows = new List<EvalFileRow>();
        var errors = new List<EvalFileError>();
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = i + 1;
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(lines[i]);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new EvalFileError(line, "Each line must be one JSON object, like {\"query\": \"…\", \"expectedText\": \"…\"}."));
                    continue;
                }

                var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
                string? problem = null;
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (!JsonNames.TryGetValue(property.Name, out var column))
                    {
                        problem = $"Unknown field “{property.Name}”; the fields are {string.Join(", ", JsonNames.Keys)}.";
                        break;
                    }

                    var value = property.Value;
                    fields[column] = value.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.String => value.GetString(),
                        JsonValueKind.True => "true",
                        JsonValueKind.False => "false",
                        JsonValueKind.Array when column == "expected_entries" && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
                            string.Join(";", value.EnumerateArray().Select(e => e.GetString()!.Replace(";", ",", StringComparison.Ordinal))),
                        _ => null,
                    };
                    if (fields[column] is null && value.ValueKind is not JsonValueKind.Null)
                    {
                        problem = column == "expected_entries"
                            ? "“expectedEntries” must be an array of strings (entry ids or titles)."
                            : $"“{property.Name}” must be {(column == "expect_violation" ? "true or false" : "a string")}.";
                        break;
                    }
                }

                if (problem is not null)
                {
                    errors.Add(new EvalFileError(line, problem));
                    continue;
                }

                AddRow(rows, errors, line, fields);
            }
            catch (JsonException e)
            {
                errors.Add(new EvalFileError(line, "Not valid JSON: " + e.Message.Split(" LineNumber:")[0]));
            }
        }

        return (rows, errors);
    }

    private static void AddRow(List<EvalFileRow> rows, List<EvalFileError> errors, int line, Dictionary<string, string?> fields)
    {
        string? Field(string name) => fields.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v : null;

        var kindText = Field("kind")?.Trim().ToLowerInvariant();
        EvalCaseKind? kind = kindText switch
        {
            null => null,
            "retrieval" => EvalCaseKind.Retrieval,
            "guard" => EvalCaseKind.Guard,
            _ => null,
        };
        if (kindText is not null && kind is null)
        {
            errors.Add(new EvalFileError(line, $"Unknown kind “{kindText}”: write retrieval or guard (or leave it empty)."));
            return;
        }

        var expectText = Field("expect_violation")?.Trim().ToLowerInvariant();
        bool? expect = expectText switch
        {
            null => null,
            "true" or "yes" or "1" or "caught" or "catch" or "must be caught" => true,
            "false" or "no" or "0" or "pass" or "passes" or "must pass" => false,
            _ => null,
        };
        if (expectText is not null && expect is null)
        {
            errors.Add(new EvalFileError(line, $"“{expectText}” is not a value for expect_violation: write true (must be caught) or false (must pass)."));
            return;
        }

        var entries = (Field("expected_entries") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        rows.Add(new EvalFileRow(line, kind, Field("name"), Field("query"), entries, Field("expected_text"), Field("task_type"), Field("output"), expect));
    }

    /// <summary>UTF-8 without a byte order mark, as downloads are written.</summary>
    public static byte[] ToBytes(string text) => new UTF8Encoding(false).GetBytes(text);
}
